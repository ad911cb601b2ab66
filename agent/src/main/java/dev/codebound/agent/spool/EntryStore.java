package dev.codebound.agent.spool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The files of one entry directory in the spool layout of agents before the journal, and their
 * JSON encoding: read only, by {@link LegacySpoolReader}, to migrate such a spool.
 */
final class EntryStore {
    static final String META = "meta.json";
    static final String ENVELOPE = "envelope.cms";
    static final String STATE = "state.json";
    static final String RECEIPT = "receipt.json";
    static final String PROBLEM = "problem.json";

    /** Version of the state.json layout this reader understands. */
    static final int STATE_FORMAT = 1;

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The persisted form of the mutable part of a {@link SpoolEntry}. */
    record StateRecord(int format, EntryState state, String uploadUrl, long acknowledgedOffset,
            int transientErrors, String lastError, Instant nextAttemptAt, Instant updatedAt) {}

    private final Path entriesDirectory;

    EntryStore(Path entriesDirectory) {
        this.entriesDirectory = entriesDirectory;
    }

    Path directory(String id) {
        return entriesDirectory.resolve(id);
    }

    Path file(String id, String name) {
        return directory(id).resolve(name);
    }

    EnvelopeInfo readMeta(String id) throws IOException {
        return JSON.readValue(Files.readAllBytes(file(id, META)), EnvelopeInfo.class);
    }

    /** The entry, or empty when it has no state file yet. Fails when a file cannot be parsed. */
    Optional<SpoolEntry> readEntry(EnvelopeInfo info) throws IOException {
        Path stateFile = file(info.sha256(), STATE);
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        StateRecord record = JSON.readValue(Files.readAllBytes(stateFile), StateRecord.class);
        if (record.format() != STATE_FORMAT) {
            throw new IOException("state format " + record.format() + " is not supported by this agent");
        }
        try {
            return Optional.of(new SpoolEntry(info, record.state(), record.uploadUrl(), record.acknowledgedOffset(),
                    record.transientErrors(), record.lastError(), record.nextAttemptAt(), record.updatedAt()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("inconsistent state record: " + e.getMessage(), e);
        }
    }

    Optional<byte[]> readOutcome(String id, String name) throws IOException {
        Path path = file(id, name);
        return Files.exists(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
    }
}
