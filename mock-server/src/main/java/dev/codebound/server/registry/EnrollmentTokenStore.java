package dev.codebound.server.registry;

import dev.codebound.server.registry.EnrollmentService.TokenRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where enrollment tokens are kept, by the SHA-256 of their text (never the text): the storage
 * seam behind {@link EnrollmentService} (the embedded {@link FileEnrollmentTokenStore}; a database
 * shared by several registry nodes fits behind it).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Durability</b>: {@link #add} and {@link #redeem} return only once the change is durable;
 *       a crash during a call leaves the token as it was before or as it is after. A token whose
 *       {@link #add} did not return was never shown to the administrator.</li>
 *   <li><b>One token, one station</b>: {@link #redeem} is atomic across every thread and every node
 *       sharing the store: of concurrent redemptions of one token exactly one succeeds, whichever
 *       node it runs on. The service issues the certificate only after its redemption returned, so
 *       a crash in between burns the token but never lets it enroll two stations.</li>
 *   <li><b>Concurrency</b>: every method may be called from any thread at any time; {@link #find}
 *       sees every change whose call returned, on any node.</li>
 * </ul>
 */
public interface EnrollmentTokenStore {
    /**
     * Records a newly issued token.
     *
     * @throws IllegalStateException if a token with the same hash exists (tokens are 160 random
     *                               bits: a collision is a bug, never overwritten)
     */
    void add(TokenRecord token) throws IOException;

    /** The token whose text hashes to {@code tokenHash} (hex SHA-256), or empty when none was issued. */
    Optional<TokenRecord> find(String tokenHash) throws IOException;

    /**
     * Marks an unused token used by {@code stationId}.
     *
     * @return the redeemed record, or empty when the token is unknown or was already used (by this
     *     call's rival, if two ran at once); the caller reads {@link #find} to tell which
     */
    Optional<TokenRecord> redeem(String tokenHash, Instant usedAt, String stationId) throws IOException;
}
