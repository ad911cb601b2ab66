/**
 * The registry's transparency log (RFC 9162 Merkle tree, C2SP checkpoints) and its public routes.
 * {@link dev.codebound.server.transparency.TransparencyLog} appends in batches with one signed
 * checkpoint per batch, over the {@link dev.codebound.server.transparency.LogStorage} seam, whose
 * embedded implementation {@link dev.codebound.server.transparency.FileLogStorage} keeps the
 * entries in one append-only file ({@code LogStore}, format in docs/spec-log.md). Stations and
 * auditors need none of this: they verify with the protocol library's {@code log} package.
 */
package dev.codebound.server.transparency;
