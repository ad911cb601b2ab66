/**
 * Photos, one implementation for both sides: a capture station checks a photo before sealing it, and
 * the registry checks it again on the decrypted photo when it accepts an envelope, so both judge a
 * photo alike.
 *
 * <ul>
 *   <li>{@link dev.codebound.protocol.photo.jpeg}: the JPEG reader (marker segments, quality estimate,
 *       decoded pixels);</li>
 *   <li>{@link dev.codebound.protocol.photo.check}: the photo specification and its checks, which
 *       give a report of findings.</li>
 * </ul>
 * Sealing a checked photo into an envelope is the station's job (the agent's {@code capture} package).
 * Synthetic sample portraits for tests live in the test kit ({@code dev.codebound.testkit.SamplePhotos}),
 * not here: nothing that ships draws fake photos.
 */
package dev.codebound.protocol.photo;
