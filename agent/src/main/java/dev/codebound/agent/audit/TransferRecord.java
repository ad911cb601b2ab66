package dev.codebound.agent.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the transfer log. Its canonical bytes (what {@code hash} covers) are the UTF-8 of
 *
 * <pre>
 * {"seq":&lt;seq&gt;,"time":"&lt;time&gt;","event":"&lt;event&gt;",&lt;fields&gt;,"prev":"&lt;prev&gt;"}
 * </pre>
 *
 * with no whitespace, the event's fields in {@link EventType#fields()} order, numbers as decimal
 * integers without sign or leading zeros, strings unescaped (every permitted value is ASCII
 * without characters JSON escapes), and the time in UTC with exactly three fraction digits
 * ({@code 2026-11-26T04:05:06.123Z}). The stored line is the canonical bytes with their final
 * {@code }} replaced by {@code ,"hash":"<hash>"}}; a line is valid only if it is byte for byte
 * that rendering of its own values (docs/audit.md).
 *
 * @param seq   1 for the first record, then +1 per line, so that in an intact log seq = line number
 * @param time  when the station appended it, to the millisecond
 * @param event the kind of record
 * @param prev  hex SHA-256 of the previous line's bytes (without its newline); 64 zeros for the first
 * @param hash  hex SHA-256 of this record's canonical bytes, as stored (checked by the verifier)
 */
public record TransferRecord(long seq, Instant time, EventType event, Map<Field, Object> values, String prev,
        String hash) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public TransferRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(hash, "hash");
        Map<Field, Object> copy = new EnumMap<>(Field.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * A new record with its hash computed.
     *
     * @throws IllegalArgumentException when a field is missing, not allowed for this event, or its
     *                                  value does not have the field's shape (the privacy whitelist)
     */
    static TransferRecord create(long seq, Instant time, EventType event, Map<String, ?> fields, String prev) {
        Map<Field, Object> values = new EnumMap<>(Field.class);
        for (Map.Entry<String, ?> entry : fields.entrySet()) {
            Field field = Field.byJsonName(entry.getKey());
            if (field == null || !event.fields().contains(field)) {
                throw new IllegalArgumentException("field '" + entry.getKey() + "' is not allowed in a '"
                        + event.wireName() + "' record; allowed: " + event.fields().stream().map(Field::jsonName)
                        .toList());
            }
            values.put(field, field.validate(entry.getValue()));
        }
        for (Field field : event.fields()) {
            if (!values.containsKey(field)) {
                throw new IllegalArgumentException("a '" + event.wireName() + "' record needs field '"
                        + field.jsonName() + "'");
            }
        }
        Instant millis = time.truncatedTo(ChronoUnit.MILLIS);
        TransferRecord unhashed = new TransferRecord(seq, millis, event, values, prev, "");
        return new TransferRecord(seq, millis, event, values, prev, unhashed.computedHash());
    }

    /** The bytes {@code hash} covers (see the class comment). */
    public byte[] canonicalBytes() {
        return canonical().getBytes(StandardCharsets.UTF_8);
    }

    /** The hash this record's content actually has; differs from {@link #hash} if the line was altered. */
    public String computedHash() {
        return Sha256.hex(canonicalBytes());
    }

    /** The line as stored, without its newline. */
    public String line() {
        String canonical = canonical();
        return canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}";
    }

    /** Hex SHA-256 of {@link #line()}: what the next record's {@code prev} must be. */
    public String lineHash() {
        return Sha256.hex(line().getBytes(StandardCharsets.UTF_8));
    }

    /** The time as the record renders it. */
    public String timeText() {
        return TIME.format(time);
    }

    /** The event's fields by JSON name, in canonical order. */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        event.fields().forEach(field -> fields.put(field.jsonName(), values.get(field)));
        return fields;
    }

    /** A string field's value, if this event carries that field. */
    Optional<String> text(Field field) {
        Object value = values.get(field);
        return value instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** A number field's value; the field must belong to this event. */
    long number(Field field) {
        return (Long) Objects.requireNonNull(values.get(field), field.jsonName());
    }

    /** The spool entry this record is about, if any. */
    public Optional<String> entryId() {
        return text(Field.ENTRY_ID);
    }

    static String formatTime(Instant time) {
        return TIME.format(time);
    }

    private String canonical() {
        StringBuilder json = new StringBuilder(256)
                .append("{\"seq\":").append(seq)
                .append(",\"time\":\"").append(timeText())
                .append("\",\"event\":\"").append(event.wireName()).append('"');
        for (Field field : event.fields()) {
            Object value = values.get(field);
            json.append(",\"").append(field.jsonName()).append("\":");
            if (field.isNumber()) {
                json.append(value);
            } else {
                json.append('"').append(value).append('"');
            }
        }
        return json.append(",\"prev\":\"").append(prev).append("\"}").toString();
    }
}
