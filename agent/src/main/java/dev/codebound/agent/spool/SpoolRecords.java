package dev.codebound.agent.spool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.json.UtcInstantDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The records of the spool's journal and their encoding (one JSON object per record). Two kinds:
 * {@code put}, the whole entry as it now stands (immutable facts, transfer state, and the
 * registry's receipt or problem when it has one), and {@code remove}. Replaying them in order,
 * the last record of an entry wins, so a compacted journal is simply one {@code put} per live entry.
 */
final class SpoolRecords {
    /** Version of the record layout, so that a later agent can migrate old journals. */
    static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            // Replaying the journal at every command's start reads three instants per record: without a formatter.
            .registerModule(UtcInstantDeserializer.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private SpoolRecords() {}

    /** An entry with its stored outcome: the receipt of a DELIVERED entry, the problem of a REJECTED one. */
    record Slot(SpoolEntry entry, byte[] outcome) {}

    /** The persisted form of one record; {@code put} fills info, state and outcome, {@code remove} only id. */
    record Stored(int format, String op, String id, EnvelopeInfo info, EntryState state, String uploadUrl,
            long acknowledgedOffset, int transientErrors, String lastError, Instant nextAttemptAt, Instant updatedAt,
            byte[] outcome) {}

    static byte[] put(Slot slot) {
        SpoolEntry entry = slot.entry();
        return encode(new Stored(FORMAT, "put", null, entry.info(), entry.state(), entry.uploadUrl(),
                entry.acknowledgedOffset(), entry.transientErrors(), entry.lastError(), entry.nextAttemptAt(),
                entry.updatedAt(), slot.outcome()));
    }

    static byte[] remove(String id) {
        return encode(new Stored(FORMAT, "remove", id, null, null, null, 0, 0, null, null, null, null));
    }

    /**
     * Decodes one record: a {@link Slot} for {@code put}, the entry id for {@code remove}.
     *
     * @throws IOException when the record is not one this agent can read
     */
    static Object decode(ByteBuffer record) throws IOException {
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        Stored stored;
        try {
            stored = JSON.readValue(bytes, Stored.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("a spool journal record is not readable: " + e.getMessage(), e);
        }
        if (stored == null || stored.format() != FORMAT) {
            throw new IOException("spool journal record format " + (stored == null ? "null" : stored.format())
                    + " is not supported by this agent");
        }
        try {
            return switch (stored.op() == null ? "" : stored.op()) {
                case "put" -> new Slot(new SpoolEntry(stored.info(), stored.state(), stored.uploadUrl(),
                        stored.acknowledgedOffset(), stored.transientErrors(), stored.lastError(),
                        stored.nextAttemptAt(), stored.updatedAt()), stored.outcome());
                case "remove" -> requireId(stored.id());
                default -> throw new IOException("spool journal record of unknown kind '" + stored.op() + "'");
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("an inconsistent spool journal record: " + e.getMessage(), e);
        }
    }

    private static String requireId(String id) {
        if (id == null || !id.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a remove record without a valid entry id");
        }
        return id;
    }

    private static byte[] encode(Stored stored) {
        try {
            return JSON.writeValueAsBytes(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a spool record failed", e);
        }
    }
}
