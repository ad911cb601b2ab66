package dev.codebound.agent.audit;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks each spool entry's records against the life an entry can have (docs/audit.md §2.3): a
 * capture first and once; uploads only of a captured entry; a delivery or refusal only at the end
 * of an upload attempt; nothing after a delivery, a removal or a withdrawal. Every sequence the agent writes
 * passes, including those a crash leaves behind (an upload started again from byte 0 or resumed at
 * the acknowledged offset, a retried refusal, a delivery recorded by the next run from the stored
 * receipt); a record that
 * contradicts what came before (a refusal or removal of a delivered entry, a second delivery, an
 * upload of an entry never captured) fails, wherever it stands, checkpointed or not.
 */
final class EntryLifecycle {
    /** Where an entry stands after the records read so far. */
    enum Stage {
        /** No record of the entry yet. */
        UNKNOWN,
        /** Captured (sealed and spooled), not yet sent. */
        CAPTURED,
        /** An upload attempt has begun. */
        UPLOADING,
        /** The registry refused it; an operator may retry (a new attempt) or remove it. */
        REJECTED,
        /** The registry accepted it. Terminal. */
        DELIVERED,
        /** An operator removed it from the spool. Terminal. */
        REMOVED,
        /** An operator withdrew it before the registry had an upload of it. Terminal. */
        WITHDRAWN
    }

    /** The stages from which each entry event may follow, and the stage it leads to. */
    private record Transition(Set<Stage> from, Stage to) {}

    private static final Map<EventType, Transition> TRANSITIONS = Map.of(
            EventType.CAPTURED, new Transition(EnumSet.of(Stage.UNKNOWN), Stage.CAPTURED),
            EventType.UPLOAD_STARTED, new Transition(EnumSet.of(Stage.CAPTURED, Stage.UPLOADING, Stage.REJECTED),
                    Stage.UPLOADING),
            EventType.UPLOAD_RESUMED, new Transition(EnumSet.of(Stage.CAPTURED, Stage.UPLOADING, Stage.REJECTED),
                    Stage.UPLOADING),
            // From CAPTURED too: a delivery a killed upload left unrecorded is recorded by the next run from the
            // stored receipt (MissedDeliveries), whatever the log held of the attempt.
            EventType.DELIVERED, new Transition(EnumSet.of(Stage.CAPTURED, Stage.UPLOADING), Stage.DELIVERED),
            EventType.REJECTED, new Transition(EnumSet.of(Stage.UPLOADING), Stage.REJECTED),
            EventType.SPOOL_ENTRY_REMOVED, new Transition(EnumSet.of(Stage.CAPTURED, Stage.UPLOADING, Stage.REJECTED),
                    Stage.REMOVED),
            // From UPLOADING too: an attempt whose upload the registry never created leaves the entry withdrawable.
            EventType.ENTRY_WITHDRAWN, new Transition(EnumSet.of(Stage.CAPTURED, Stage.UPLOADING), Stage.WITHDRAWN));

    private EntryLifecycle() {}

    /** Reports every record that contradicts its entry's earlier records. */
    static void check(List<TransferRecord> records, AuditReport report) {
        Map<String, Stage> stages = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (TransferRecord record : records) {
            Transition transition = TRANSITIONS.get(record.event());
            if (transition == null) {
                continue;
            }
            String entryId = record.entryId().orElseThrow();
            Stage stage = stages.getOrDefault(entryId, Stage.UNKNOWN);
            if (!transition.from().contains(stage)) {
                report.fail("lifecycle", record.seq(), record.seq(), "'" + record.event().wireName() + "' for entry "
                        + entryId + " " + contradiction(stage, lastSeq.get(entryId))
                        + ": the log contradicts itself; records were removed, reordered or forged");
                continue;
            }
            stages.put(entryId, transition.to());
            lastSeq.put(entryId, record.seq());
        }
    }

    private static String contradiction(Stage stage, Long since) {
        return switch (stage) {
            case UNKNOWN -> "with no earlier 'captured' record of it";
            case CAPTURED -> "before any upload of it began (captured at seq " + since + ")";
            case UPLOADING -> "while its upload was in progress (since seq " + since + ")";
            case REJECTED -> "after the registry refused it (seq " + since + ") and before a new upload attempt";
            case DELIVERED -> "after it was delivered (seq " + since + ")";
            case REMOVED -> "after it was removed from the spool (seq " + since + ")";
            case WITHDRAWN -> "after it was withdrawn before upload (seq " + since + ")";
        };
    }
}
