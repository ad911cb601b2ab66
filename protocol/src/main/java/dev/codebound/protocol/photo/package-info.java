/**
 * The photo specification checker, one implementation for both sides:
 * a capture station runs it before sealing a photo, and the registry runs it again on the decrypted
 * photo when it accepts an envelope, so both judge a photo alike.
 *
 * <p>{@link dev.codebound.protocol.photo.PhotoInspector} checks a photo against a
 * {@link dev.codebound.protocol.photo.PhotoSpec} (by default the graduate-photo registry's: JPEG,
 * 480 × 640, 24-bit colour, 300 dpi, quality ≥ 60, 10–60 KB and typically 20–40 KB, a light blue, white
 * or light grey background, eyes 200–300 px from the top, face 180–300 px wide) and returns a
 * {@link dev.codebound.protocol.photo.PhotoReport} of {@link dev.codebound.protocol.photo.Finding}s, each
 * naming its {@link dev.codebound.protocol.photo.Check}, its {@link dev.codebound.protocol.photo.Severity}
 * and, in words, what is wrong and what is expected. A photo is acceptable (may be sealed and
 * uploaded, and is accepted by the registry) when no finding is an ERROR under the default spec.
 * Everything here is pure: bytes in, a report out, no file written.
 *
 * <p>What is measured and what is estimated:
 * <ul>
 *   <li>exact, from the file's marker segments: structure, truncation, coding, size, colour components
 *       and precision, density, file size;</li>
 *   <li>an estimate with a documented method: JPEG quality (the IJG quality whose luminance table is
 *       nearest, see {@code QualityEstimator});</li>
 *   <li>a robust measurement with an assumption: the background colour (the median of border strips
 *       where a framed portrait has no person, see {@code BackgroundCheck});</li>
 *   <li>a heuristic, WARNING by default: eye line and face width, from the outline of the person
 *       against the background (see {@code FaceGeometryCheck}). There is no face detection here.</li>
 * </ul>
 *
 * <p>{@link dev.codebound.testkit.SamplePhotos} draws deterministic synthetic portraits, a good one
 * and one per {@link dev.codebound.testkit.SamplePhotos.Defect}, for tests and the quickstart.
 */
package dev.codebound.protocol.photo;
