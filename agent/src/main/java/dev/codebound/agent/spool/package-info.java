/**
 * The agent's durable spool: a crash-safe queue of <em>sealed</em> envelope files waiting to be
 * uploaded to the registry.
 *
 * <p>The spool never holds a plaintext photo. It accepts only envelope files that the capture
 * step has already encrypted to the registry and signed; the bytes it stores, hashes and uploads
 * are CMS ciphertext, and its records carry only the code id, the station id, a display file name
 * (never personal data), the envelope's SHA-256 and length, and transfer state.
 *
 * <h2>On disk</h2>
 * <pre>
 * spool/
 *   .lock                     held (OS file lock) by the one process using the spool
 *   .activity                 advisory, not durable: who holds the lock and which entries it is sending now
 *   incoming/                 envelopes being copied in; anything here after a crash is discarded
 *   entries/&lt;sha256&gt;/         one directory per envelope, named by the envelope's SHA-256 (the id)
 *     meta.json               immutable facts: code id, station id, file name, SHA-256, length, created
 *     envelope.cms            the sealed envelope
 *     state.json              the mutable transfer state (see {@link dev.codebound.agent.spool.EntryState})
 *     receipt.json            the registry's receipt, written before the entry is marked DELIVERED
 *     problem.json            the registry's RFC 9457 problem, written before it is marked REJECTED
 *   quarantine/               entry directories whose records could not be read, kept for an operator
 * </pre>
 *
 * <p>Every file is written atomically and durably ({@link dev.codebound.protocol.io.DurableFiles}:
 * temporary file, fsync, rename, fsync of the directory), and every write happens before the
 * network step that depends on it. {@link dev.codebound.agent.spool.Spool#open} repairs whatever a
 * crash between two writes left behind and reports each repair.
 */
package dev.codebound.agent.spool;
