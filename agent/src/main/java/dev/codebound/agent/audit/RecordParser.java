package dev.codebound.agent.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.json.UtcInstantDeserializer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one stored line back into a {@link TransferRecord}, strictly: the members must be exactly
 * those of the event, in canonical order, with values of the right shape, and the line must be byte
 * for byte the canonical rendering of what it says. Whether {@code hash} and {@code prev} are right
 * is the verifier's question, not the parser's.
 */
final class RecordParser {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The line is not a well-formed record; the message says what is wrong, never what personal data it holds. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }
    }

    private RecordParser() {}

    static TransferRecord parse(String line) throws MalformedRecordException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedRecordException("not a JSON object");
        }
        JsonNode eventNode = node.get("event");
        EventType event = eventNode != null && eventNode.isTextual() ? EventType.byWireName(eventNode.asText()) : null;
        if (event == null) {
            throw new MalformedRecordException("unknown or missing event type");
        }
        List<String> expected = new ArrayList<>(List.of("seq", "time", "event"));
        event.fields().forEach(field -> expected.add(field.jsonName()));
        expected.addAll(List.of("prev", "hash"));
        List<String> actual = new ArrayList<>();
        node.fieldNames().forEachRemaining(actual::add);
        if (!actual.equals(expected)) {
            throw new MalformedRecordException("a '" + event.wireName() + "' record has members " + expected
                    + " in that order, this one has " + actual);
        }
        JsonNode seq = node.get("seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 1) {
            throw new MalformedRecordException("'seq' is not a whole number >= 1");
        }
        Instant time;
        try {
            String written = text(node, "time");
            // The canonical form is read without a formatter; any other is the canonical check's to refuse.
            Instant canonical = UtcInstantDeserializer.parse(written);
            time = canonical != null ? canonical : Instant.parse(written);
        } catch (DateTimeParseException e) {
            throw new MalformedRecordException("'time' is not an ISO-8601 UTC instant");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Field field : event.fields()) {
            JsonNode value = node.get(field.jsonName());
            if (field.isNumber()) {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw new MalformedRecordException("'" + field.jsonName() + "' is not a whole number");
                }
                fields.put(field.jsonName(), value.asLong());
            } else {
                fields.put(field.jsonName(), text(node, field.jsonName()));
            }
        }
        String prev = text(node, "prev");
        String hash = text(node, "hash");
        if (!prev.matches("[0-9a-f]{64}") || !hash.matches("[0-9a-f]{64}")) {
            throw new MalformedRecordException("'prev' and 'hash' must be 64 lower-case hex digits");
        }
        TransferRecord record;
        try {
            TransferRecord computed = TransferRecord.create(seq.asLong(), time, event, fields, prev);
            record = new TransferRecord(computed.seq(), computed.time(), event, computed.values(), prev, hash);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(e.getMessage());
        }
        if (!record.line().equals(line)) {
            throw new MalformedRecordException("not in canonical form (spacing, escapes, number or time format "
                    + "differ from the canonical rendering)");
        }
        return record;
    }

    private static String text(JsonNode node, String member) throws MalformedRecordException {
        JsonNode value = node.get(member);
        if (!value.isTextual()) {
            throw new MalformedRecordException("'" + member + "' is not a string");
        }
        return value.asText();
    }
}
