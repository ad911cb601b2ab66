/**
 * The station's tamper-evident transfer log and the audit tools over it (docs/audit.md).
 *
 * <p>{@link dev.codebound.agent.audit.TransferLog} is the only writer: the agent's commands call its
 * typed methods ({@code captured}, {@code delivered}, ...), each of which appends one hash-chained,
 * canonical JSON line and fsyncs it; checkpoints signed with the station key are appended every 100
 * records and when a command closes the log. Only whitelisted fields with identifier- or hash-shaped
 * values can be written ({@link dev.codebound.agent.audit.Field}), so the log never holds personal data.
 *
 * <p>{@link dev.codebound.agent.audit.LogVerifier} checks a station home, or a copy of one, with no
 * private key: the chain, the checkpoint signatures, the stored receipts against the log, and the
 * registry's transparency log against the receipts' checkpoints.
 * {@link dev.codebound.agent.audit.LogReader}, {@link dev.codebound.agent.audit.LogExport} and
 * {@link dev.codebound.agent.audit.Timeline} read records for export and display without verifying.
 */
package dev.codebound.agent.audit;
