package dev.codebound.server.registry;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the registry keeps the signed trust bundle it publishes: the seam behind
 * {@link TrustBundlePublisher}, so that every node of a registry serves the same bundle.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Durability</b>: when {@link #publish} returns true, the bundle survives a crash.</li>
 *   <li><b>Sequence</b>: bundles are published in increasing sequence, each replacing the one it
 *       names as its predecessor; {@link #publish} is a compare-and-set on that predecessor, so two
 *       nodes publishing at once never both succeed and a station never sees a sequence go back or
 *       two bundles with one sequence.</li>
 * </ul>
 */
public interface TrustBundleStore {
    /** The signed bytes of the last published bundle, if any was published. */
    Optional<byte[]> published() throws IOException;

    /**
     * Publishes {@code signed}, bundle number {@code sequence}, if the last published bundle is
     * still number {@code previousSequence} (0: none published yet).
     *
     * @return false, publishing nothing, when another node published since
     */
    boolean publish(long previousSequence, long sequence, byte[] signed) throws IOException;
}
