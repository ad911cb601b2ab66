/**
 * The agent's durable spool: a crash-safe queue of <em>sealed</em> envelope files waiting to be
 * uploaded to the registry.
 *
 * <p>The spool never holds a plaintext photo. It accepts only envelopes that the capture step has
 * already encrypted to the registry and signed; the bytes it stores, hashes and uploads are CMS
 * ciphertext, and its records carry only the code id, the station id, a display file name (never
 * personal data), the envelope's SHA-256 and length, transfer state, and the registry's receipt or
 * problem.
 *
 * <h2>On disk</h2>
 * <pre>
 * spool/
 *   .lock                     held (OS file lock) by the one process using the spool
 *   .activity                 advisory, not durable: who holds the lock and which entries it is sending now
 *   journal                   the entries and every change of them ({@link dev.codebound.protocol.io.GroupCommitJournal};
 *                             records: see {@code SpoolRecords})
 *   envelopes/
 *     &lt;sha256&gt;.cms            a sealed envelope, named by its SHA-256 (the entry id)
 *     .&lt;random&gt;.partial       an envelope being sealed or copied in; deleted on open
 *   quarantine/               files that do not belong, kept for an operator
 * </pre>
 *
 * <p>The entries live in memory. Every change is applied to memory and its journal record queued
 * under the spool's lock, then awaited outside it, before the network step that depends on it:
 * parallel workers share fsyncs (group commit) and no lock is held across one. An envelope is
 * forced once where it is written, and its name is made durable by the directory sync that goes
 * with its entry's record. {@link dev.codebound.agent.spool.Spool#open} replays the journal,
 * repairs whatever a crash between two writes left behind and reports each repair, and migrates a
 * spool of the layout before the journal ({@code entries/<sha256>/} with {@code meta.json},
 * {@code envelope.cms}, {@code state.json}, {@code receipt.json}, {@code problem.json}).
 */
package dev.codebound.agent.spool;
