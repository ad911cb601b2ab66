/**
 * The station's retention policy and its enforcement (docs/privacy.md): what the station deletes,
 * when, and how a deletion is made crash-safe and auditable.
 *
 * <p>{@link dev.codebound.agent.retention.RetentionPolicy} reads the deadlines from the station's
 * configuration ({@code retention.*}). {@link dev.codebound.agent.retention.RetentionPlanner}
 * decides, from the spool's entries and the files in the hot folders {@code watch} used
 * ({@link dev.codebound.agent.retention.HotFolders}), what is due and under which
 * {@link dev.codebound.agent.retention.RetentionRule}. {@link dev.codebound.agent.retention.RetentionSweep}
 * deletes it: each deletion is first recorded in the transfer log ({@code retention-deleted} or
 * {@code photo-deleted}, no personal data), then performed; a sweep a crash interrupted is finished
 * by the next one without a second record; delivered entries whose envelope and original are gone
 * and whose receipt is archived leave the spool; and a file that cannot be deleted is reported and kept
 * in {@code retention/problems.json} for {@code status}. Every command that opens the spool runs a
 * sweep, and so can a long-running service's scheduler.
 */
package dev.codebound.agent.retention;
