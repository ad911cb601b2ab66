/**
 * Collection codes: the registry-signed token a graduate shows as a QR code, which binds a photo to a student
 * without the station ever learning who the student is.
 *
 * <p>The registry side issues codes ({@link dev.codebound.protocol.code.CodeIssuer}) with the student's identity
 * sealed to the registry's encryption key ({@link dev.codebound.protocol.code.IdentitySeal}) and recovers it
 * ({@link dev.codebound.protocol.code.IdentityOpener}). The station side parses the text form
 * ({@link dev.codebound.protocol.code.CodeText}, {@link dev.codebound.protocol.code.CollectionCode}: not yet
 * trusted) and verifies it offline against a trust bundle ({@link dev.codebound.protocol.code.CodeVerifier}),
 * each failure with its own stable {@link dev.codebound.protocol.code.CodeException.Reason}.
 * {@link dev.codebound.protocol.code.QrCodes} renders and reads the QR images.
 *
 * <p>A {@link dev.codebound.protocol.code.VerifiedCode} exposes only what a station may see, never the sealed
 * identity; {@link dev.codebound.protocol.code.StudentIdentity} never prints its values. Nothing here does I/O
 * beyond the image it is given.
 */
package dev.codebound.protocol.code;
