package dev.codebound.agent.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code audit verify} found: failures (anything that makes the log or a receipt
 * untrustworthy), notes (facts an auditor should know that are not failures, such as a repaired
 * torn line or a check that could not be made), and counts. Messages name records by seq and line
 * and entries by id; they never hold personal data because the log holds none.
 */
public final class AuditReport {
    /**
     * One problem. {@code line} is 0 when it is not about one line of the log; {@code seq} is 0
     * when the line is too damaged to say which record it claims to be.
     */
    public record Failure(String check, long seq, long line, String message) {
        @Override
        public String toString() {
            String where = line == 0 ? "" : seq == 0 ? "line " + line + ": " : "record seq " + seq + " (line " + line
                    + "): ";
            return check + ": " + where + message;
        }
    }

    private final List<Failure> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    void fail(String check, long seq, long line, String message) {
        failures.add(new Failure(check, seq, line, message));
    }

    /** Records a problem not about one line of the log, found by a check of {@code check}'s name. */
    public void fail(String check, String message) {
        fail(check, 0, 0, message);
    }

    void note(String note) {
        notes.add(note);
    }

    /** Records a figure the report shows, e.g. how many records were checked. */
    public void count(String name, long value) {
        counts.put(name, value);
    }

    /** True when nothing failed. */
    public boolean ok() {
        return failures.isEmpty();
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    /** The report for a person: verdict, counts, failures, notes. */
    public String toText() {
        StringBuilder text = new StringBuilder(ok() ? "audit: OK" : "audit: FAILED (" + failures.size()
                + " problem" + (failures.size() == 1 ? "" : "s") + ")").append(System.lineSeparator());
        counts.forEach((name, value) -> text.append("  ").append(name).append(": ").append(value)
                .append(System.lineSeparator()));
        failures.forEach(failure -> text.append("FAIL ").append(failure).append(System.lineSeparator()));
        notes.forEach(note -> text.append("note ").append(note).append(System.lineSeparator()));
        return text.toString();
    }

    /** The report as one JSON object, for scripts and SIEMs. */
    public String toJson() {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("ok", ok());
        ObjectNode countNode = node.putObject("counts");
        counts.forEach(countNode::put);
        ArrayNode failureNodes = node.putArray("failures");
        for (Failure failure : failures) {
            ObjectNode item = failureNodes.addObject().put("check", failure.check());
            if (failure.line() > 0) {
                item.put("line", failure.line());
            }
            if (failure.seq() > 0) {
                item.put("seq", failure.seq());
            }
            item.put("message", failure.message());
        }
        ArrayNode noteNodes = node.putArray("notes");
        notes.forEach(noteNodes::add);
        return node.toString();
    }
}
