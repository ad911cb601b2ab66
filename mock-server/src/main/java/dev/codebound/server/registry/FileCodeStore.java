package dev.codebound.server.registry;

import dev.codebound.server.registry.CodeBook.CodeRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link CodeStore}: one JSON record per code under a directory
 * ({@code registry/codes/<code id>.json}). Only the ids of revoked codes are held in memory, read
 * once at open and kept in step with each durable revocation: the trust bundle is checked on every
 * acceptance, and scanning every record there made each acceptance cost one file read per code
 * ever issued.
 *
 * <p>Records written before code keys existed get them when the store is opened: derived from the
 * code text the record holds, and written back one record at a time (each write atomic, so a crash
 * part way leaves the rest to the next open).
 */
public final class FileCodeStore implements CodeStore {
    private final JsonRecordStore<CodeRecord> records;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final RecordChanges changes = new RecordChanges();

    /** Opens (creating, owner-only) the store under {@code directory}. */
    public FileCodeStore(Path directory) throws IOException {
        this.records = new JsonRecordStore<>(directory, CodeRecord.class);
        for (CodeRecord record : records.all()) {
            if (record.revokedAt() != null) {
                revoked.add(record.codeId());
            }
            if (!record.hasCodeKeys()) {
                Optional<CodeRecord> keyed = record.withCodeKeys();
                if (keyed.isPresent()) {
                    records.put(record.codeId(), keyed.get());
                }
            }
        }
    }

    @Override
    public void add(CodeRecord code) throws IOException {
        changes.of(code.codeId(), () -> {
            if (records.get(code.codeId()).isPresent()) {
                throw new IllegalStateException("a code with id " + code.codeId() + " already exists");
            }
            records.put(code.codeId(), code);
            return code;
        });
    }

    /**
     * {@inheritDoc} The check for an existing id is a guard against a bug (ids are random), so it is
     * made for the whole batch before anything is written, not ordered with concurrent changes.
     */
    @Override
    public void addAll(List<CodeRecord> codes) throws IOException {
        Map<String, CodeRecord> batch = new LinkedHashMap<>();
        for (CodeRecord code : codes) {
            if (batch.put(code.codeId(), code) != null || records.get(code.codeId()).isPresent()) {
                throw new IllegalStateException("a code with id " + code.codeId() + " already exists");
            }
        }
        records.putAll(batch);
    }

    @Override
    public Optional<CodeRecord> find(String codeId) throws IOException {
        return records.get(codeId);
    }

    @Override
    public List<CodeRecord> all() {
        return records.all();
    }

    @Override
    public Optional<CodeRecord> revoke(String codeId, Instant at) throws IOException {
        return changes.of(codeId, () -> {
            Optional<CodeRecord> found = records.get(codeId);
            if (found.isEmpty() || found.get().revokedAt() != null) {
                return found;
            }
            CodeRecord revokedRecord = found.get().revoked(at);
            records.put(codeId, revokedRecord);
            revoked.add(codeId);
            return Optional.of(revokedRecord);
        });
    }

    @Override
    public Set<String> revokedCodeIds() {
        return Set.copyOf(revoked);
    }
}
