/**
 * The registry's services and state: enrolled stations, enrollment tokens, issued codes, the trust
 * bundle, and the acceptance of uploaded envelopes.
 *
 * <p>Acceptance ({@link dev.codebound.server.registry.EnvelopeAcceptance}) runs in parallel on the
 * storage threads up to the point where an envelope needs its place in the transparency log; the
 * {@code AcceptanceSequencer} then sequences admissible envelopes in batches (one log write and one
 * signed checkpoint per batch, archive records group-committed). Accepted envelopes live behind
 * {@link dev.codebound.server.registry.PhotoArchive}, whose embedded implementation
 * {@link dev.codebound.server.registry.FilePhotoArchive} takes an upload's bytes over by a hard link
 * (never a copy) and journals its records. Stations, tokens and codes are kept behind
 * {@link dev.codebound.server.registry.StationStore},
 * {@link dev.codebound.server.registry.EnrollmentTokenStore} and
 * {@link dev.codebound.server.registry.CodeStore}, whose embedded implementations write a directory
 * of JSON records each ({@code JsonRecordStore}): small and rarely written. Each seam's contract
 * (durability, concurrency, what a crash leaves) is written on its interface;
 * {@link dev.codebound.server.registry.RegistryStores} gathers one implementation of each.
 */
package dev.codebound.server.registry;
