package dev.codebound.agent.spool;

import java.util.List;

/**
 * What {@link Spool#open} found and repaired: one line per entry that a crash, a disk fault or a
 * tampering left inconsistent. Empty after a clean shutdown.
 *
 * @param repairs what was done, oldest first
 */
public record RecoveryReport(List<Repair> repairs) {
    public RecoveryReport {
        repairs = List.copyOf(repairs);
    }

    /**
     * One repair.
     *
     * @param entryId    the entry (envelope SHA-256) or directory name concerned
     * @param found      the inconsistency
     * @param action     what the spool did about it
     * @param corruption whether data was lost or altered (as opposed to an interrupted write)
     */
    public record Repair(String entryId, String found, String action, boolean corruption) {}

    /** Whether any repair reports corrupted or lost data, which an operator should look at. */
    public boolean hasCorruption() {
        return repairs.stream().anyMatch(Repair::corruption);
    }
}
