package dev.codebound.agent.audit;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the log's retention deletions (docs/audit.md) against what came before them: each names a
 * rule of its kind; an original is deleted only after its envelope was captured, and under the
 * delivery rule only after the delivery; a delivered envelope only after its delivery; an entry
 * only if it was never delivered (a delivered entry's record is kept); and nothing is uploaded
 * after its envelope was deleted. The station's rules and their deadlines are in docs/privacy.md;
 * whether anything is overdue <em>now</em> is checked against the station's files, not here.
 */
final class RetentionRecordsAudit {
    /** The rules each kind of deletion may name, per event: the transfer log's vocabulary. */
    private static final Map<String, Set<String>> ENTRY_RULES = Map.of(
            "ORIGINAL", Set.of("ORIGINAL_NEVER_KEPT", "ORIGINAL_AFTER_DELIVERY", "ORIGINAL_OF_UNDELIVERED",
                    "ORIGINAL_WITHOUT_ENTRY"),
            "ENVELOPE", Set.of("ENVELOPE_AFTER_DELIVERY"),
            "ENTRY", Set.of("UNDELIVERED_ENTRY"));
    private static final Map<String, Set<String>> PHOTO_RULES = Map.of(
            "ORIGINAL", Set.of("ORIGINAL_UNATTRIBUTED"),
            "REFUSED_PHOTO", Set.of("REFUSED_PHOTO_EXPIRED"));
    private static final Set<EventType> UPLOADS = Set.of(EventType.UPLOAD_STARTED, EventType.UPLOAD_RESUMED,
            EventType.DELIVERED);

    private RetentionRecordsAudit() {}

    /** Reports every deletion record that breaks the rules above, and counts them. */
    static void check(List<TransferRecord> records, AuditReport report) {
        Set<String> captured = new HashSet<>();
        Set<String> delivered = new HashSet<>();
        Set<String> envelopeGone = new HashSet<>();
        long deletions = 0;
        for (TransferRecord record : records) {
            EventType event = record.event();
            if (event == EventType.PHOTO_DELETED) {
                deletions++;
                requireRule(record, PHOTO_RULES, report);
                continue;
            }
            String entry = record.entryId().orElse(null);
            if (entry == null) {
                continue;
            }
            if (UPLOADS.contains(event) && envelopeGone.contains(entry)) {
                fail(report, record, "'" + event.wireName() + "' for entry " + entry + " after its envelope was "
                        + "deleted: the log contradicts itself");
            }
            if (event == EventType.CAPTURED) {
                captured.add(entry);
            } else if (event == EventType.DELIVERED) {
                delivered.add(entry);
            } else if (event == EventType.RETENTION_DELETED) {
                deletions++;
                if (!requireRule(record, ENTRY_RULES, report)) {
                    continue;
                }
                String kind = record.text(Field.KIND).orElseThrow();
                String rule = record.text(Field.RULE).orElseThrow();
                boolean wasDelivered = delivered.contains(entry);
                if (kind.equals("ORIGINAL") && !captured.contains(entry)) {
                    fail(report, record, "the original of entry " + entry + " was deleted with no earlier "
                            + "'captured' record: a photo must be sealed and spooled before its original goes");
                } else if ((kind.equals("ENVELOPE") || rule.equals("ORIGINAL_AFTER_DELIVERY")) && !wasDelivered) {
                    fail(report, record, "the " + kind.toLowerCase(java.util.Locale.ROOT) + " of entry " + entry
                            + " was deleted under " + rule + " before any delivery of it was recorded");
                } else if (kind.equals("ENTRY") && wasDelivered) {
                    fail(report, record, "entry " + entry + " was deleted as undelivered after it was delivered: "
                            + "a delivered entry and its receipt are kept");
                }
                if (!kind.equals("ORIGINAL")) {
                    envelopeGone.add(entry);
                }
            }
        }
        report.count("retentionDeletions", deletions);
    }

    private static boolean requireRule(TransferRecord record, Map<String, Set<String>> rules, AuditReport report) {
        String kind = record.text(Field.KIND).orElseThrow();
        String rule = record.text(Field.RULE).orElseThrow();
        if (!rules.getOrDefault(kind, Set.of()).contains(rule)) {
            fail(report, record, "'" + record.event().wireName() + "' of kind " + kind + " names rule " + rule
                    + ", which does not delete that kind (docs/privacy.md)");
            return false;
        }
        return true;
    }

    private static void fail(AuditReport report, TransferRecord record, String message) {
        report.fail("retention", record.seq(), record.seq(), message);
    }
}
