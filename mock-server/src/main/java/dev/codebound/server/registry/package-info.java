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
 * (never a copy) and journals its records. Stations, tokens and codes are still concrete classes
 * over a directory of JSON records ({@code JsonRecordStore}): small, rarely written, and not yet
 * behind interfaces (issue 15).
 */
package dev.codebound.server.registry;
