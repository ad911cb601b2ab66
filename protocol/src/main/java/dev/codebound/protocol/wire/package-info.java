/**
 * The types both sides put on the wire and must spell alike: the registry's signed
 * {@link dev.codebound.protocol.wire.Receipt} and its {@link dev.codebound.protocol.wire.LogInclusion}
 * (verified by {@link dev.codebound.protocol.wire.ReceiptCodec}), RFC 9457
 * {@link dev.codebound.protocol.wire.Problem}s, and the tus 1.0.0 names, metadata and checksums
 * ({@link dev.codebound.protocol.wire.Tus}, {@link dev.codebound.protocol.wire.UploadMetadata},
 * {@link dev.codebound.protocol.wire.UploadChecksum}).
 *
 * <p>Parsing is strict: a malformed header or body is a {@link dev.codebound.protocol.wire.WireFormatException}
 * naming the field. Nothing here carries personal data (a receipt names the envelope by hash and the code by
 * id) or does I/O.
 */
package dev.codebound.protocol.wire;
