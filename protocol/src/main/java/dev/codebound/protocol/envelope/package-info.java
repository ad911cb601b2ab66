/**
 * The sealed photo envelope (docs/protocol.md): a CMS SignedData by the station around a CMS
 * AuthEnvelopedData to the registry, whose plaintext is the binding (code id, station, capture time, photo
 * digest) and the photo. {@link dev.codebound.protocol.envelope.EnvelopeSealer} seals at the station,
 * {@link dev.codebound.protocol.envelope.EnvelopeOpener} opens and verifies at the registry, both streaming so
 * that memory stays bounded whatever the photo's size. Each algorithm {@link dev.codebound.protocol.envelope.Suite}
 * fixes every algorithm under one id the binding carries: suite 1 P-256/AES-256-GCM/SHA-256, suite 2
 * SM2/SM4-GCM/SM3.
 *
 * <p>Opening is strict and fails closed: the BER framing is validated as it streams
 * ({@link dev.codebound.protocol.envelope.FramingValidator}), the signer must be a station the trust bundle
 * vouches for ({@link dev.codebound.protocol.envelope.SignerTrust}), and decrypted bytes stay private
 * ({@link dev.codebound.protocol.envelope.PlaintextBuffer}: memory, then an owner-only temporary file) until
 * every check has passed. Nothing here negotiates algorithms or hands out unverified plaintext.
 */
package dev.codebound.protocol.envelope;
