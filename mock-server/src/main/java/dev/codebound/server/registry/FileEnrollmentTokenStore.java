package dev.codebound.server.registry;

import dev.codebound.server.registry.EnrollmentService.TokenRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The embedded {@link EnrollmentTokenStore}: one JSON record per token under a directory
 * ({@code registry/tokens/<token sha256>.json}).
 */
public final class FileEnrollmentTokenStore implements EnrollmentTokenStore {
    private final JsonRecordStore<TokenRecord> records;
    private final RecordChanges changes = new RecordChanges();

    /** Opens (creating, owner-only) the store under {@code directory}. */
    public FileEnrollmentTokenStore(Path directory) throws IOException {
        this.records = new JsonRecordStore<>(directory, TokenRecord.class);
    }

    @Override
    public void add(TokenRecord token) throws IOException {
        changes.of(token.tokenHash(), () -> {
            if (records.get(token.tokenHash()).isPresent()) {
                throw new IllegalStateException("a token with this hash already exists");
            }
            records.put(token.tokenHash(), token);
            return token;
        });
    }

    @Override
    public Optional<TokenRecord> find(String tokenHash) throws IOException {
        return records.get(tokenHash);
    }

    @Override
    public Optional<TokenRecord> redeem(String tokenHash, Instant usedAt, String stationId) throws IOException {
        return changes.of(tokenHash, () -> {
            Optional<TokenRecord> found = records.get(tokenHash);
            if (found.isEmpty() || found.get().usedAt() != null) {
                return Optional.empty();
            }
            TokenRecord record = found.get();
            TokenRecord redeemed = new TokenRecord(record.tokenHash(), record.issuedAt(), record.expiresAt(),
                    record.note(), usedAt, stationId);
            records.put(tokenHash, redeemed);
            return Optional.of(redeemed);
        });
    }
}
