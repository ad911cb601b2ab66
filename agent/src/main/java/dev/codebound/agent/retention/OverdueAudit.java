package dev.codebound.agent.retention;

import dev.codebound.agent.audit.AuditReport;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code audit verify}'s check that the station follows its retention policy now: every readable
 * photo, envelope or undelivered entry past its deadline is a failure naming the rule and how long
 * it is overdue. (That each deletion the log records came after what allowed it, e.g. an envelope
 * only after its delivery, is checked from the log itself.)
 */
public final class OverdueAudit {
    private OverdueAudit() {}

    /** Adds the readable photos' count and a failure per overdue deletion of the station in {@code home}. */
    public static void check(StationHome home, RetentionPolicy policy, Instant now, AuditReport report)
            throws IOException {
        RetentionStatus status = RetentionStatus.of(home, policy, Spool.peek(home.spool()), now);
        report.count("readablePhotos", status.readablePhotos());
        List<Deletion> overdue = status.overdue();
        for (Deletion deletion : overdue) {
            report.fail("retention", deletion.rule().kind() + " " + deletion.file() + " is past its deadline "
                    + deletion.dueAt() + " under rule " + deletion.rule() + " (overdue by "
                    + java.time.Duration.between(deletion.dueAt(), now).toMinutes() + " min): run a command that "
                    + "opens the spool (e.g. 'upload'), which deletes it, and see 'status' for what stops it");
        }
    }
}
