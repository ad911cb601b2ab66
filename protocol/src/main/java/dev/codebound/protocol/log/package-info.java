/**
 * The registry's transparency log, shared by the registry, the stations and offline auditors.
 *
 * <ul>
 *   <li>{@link dev.codebound.protocol.log.LogEntry}: the canonical leaf recorded for each accepted
 *       envelope.</li>
 *   <li>{@link dev.codebound.protocol.log.MerkleHashes}, {@link dev.codebound.protocol.log.MerkleTree}:
 *       RFC 9162 hashing, and an in-memory tree that answers root and proof queries.</li>
 *   <li>{@link dev.codebound.protocol.log.MerkleProofs}, {@link dev.codebound.protocol.log.InclusionProof},
 *       {@link dev.codebound.protocol.log.ConsistencyProof}: proofs, and their verification without
 *       any state.</li>
 *   <li>{@link dev.codebound.protocol.log.Checkpoint}, {@link dev.codebound.protocol.log.SignedNote},
 *       {@link dev.codebound.protocol.log.NoteSigner}, {@link dev.codebound.protocol.log.NoteVerifier}:
 *       C2SP tlog-checkpoints in C2SP signed notes, with ECDSA P-256 keys.</li>
 * </ul>
 *
 * <p>The formats are specified in {@code docs/spec-log.md}. Only what a client needs to check the
 * log lives here; how the registry stores its log is the registry's business (the mock server's
 * {@code transparency} package).
 */
package dev.codebound.protocol.log;
