package dev.codebound.agent.retention;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one retention sweep did.
 *
 * @param deleted  the deletions performed (or finished, after a crash), in order
 * @param problems the files that could not be deleted, which stay due
 */
public record SweepReport(List<Deletion> deleted, List<Problem> problems) {
    public SweepReport {
        deleted = List.copyOf(deleted);
        problems = List.copyOf(problems);
    }

    /**
     * A file a sweep could not delete.
     *
     * @param file  the file
     * @param rule  the rule that deletes it
     * @param dueAt its deadline
     * @param error what the file system (or the transfer log) said
     */
    public record Problem(Path file, RetentionRule rule, Instant dueAt, String error) {
        /** One line for an operator: what, why it is due, what went wrong, what to do. */
        public String message() {
            return "cannot delete " + file + " (" + rule + ", due " + dueAt + "): " + error + "; it stays until it "
                    + "can be deleted: fix the cause (permissions, a read-only disk, a process holding it) or delete "
                    + "it by hand, and 'status' shows it until then";
        }
    }
}
