package dev.codebound.agent.audit;

import java.util.Optional;

/**
 * Finds which entry a line of the log records an event of, without parsing the line. The canonical
 * rendering of a record whose first field is the entry id holds {@code "event":"<name>","entryId":"}
 * and the id's 64 hex digits verbatim, and no other record can (no field's value holds a quotation
 * mark). Questions about recent entries (which of them are delivered, what each captured) are asked
 * at every agent command's start, of a log that holds the station's whole history: a substring
 * search per line answers them where a parse (JSON, re-rendering, hash) per line would not, and
 * only the lines found need parsing, if their other fields are wanted.
 */
final class EntryRecordProbe {
    private static final int ENTRY_ID_LENGTH = 64;

    private final String marker;

    /**
     * A probe for records of {@code event}.
     *
     * @throws IllegalArgumentException if the event's records do not start with the entry id
     */
    EntryRecordProbe(EventType event) {
        if (event.fields().isEmpty() || event.fields().get(0) != Field.ENTRY_ID) {
            throw new IllegalArgumentException("'" + event.wireName() + "' records do not start with an entry id");
        }
        this.marker = "\"event\":\"" + event.wireName() + "\",\"" + Field.ENTRY_ID.jsonName() + "\":\"";
    }

    /** The entry {@code line} records this probe's event of, if it holds the event's canonical spelling. */
    Optional<String> entryId(String line) {
        int at = line.indexOf(marker);
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + marker.length();
        int end = start + ENTRY_ID_LENGTH;
        return end < line.length() && line.charAt(end) == '"' ? Optional.of(line.substring(start, end))
                : Optional.empty();
    }
}
