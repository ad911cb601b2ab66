/**
 * The photo specification checker: pure, bytes in and a report out, no file written.
 *
 * <p>{@link dev.codebound.protocol.photo.check.PhotoInspector} checks a photo against a
 * {@link dev.codebound.protocol.photo.check.PhotoSpec} (by default the graduate-photo registry's: JPEG,
 * 480 × 640, 24-bit colour, 300 dpi, quality ≥ 60, 10–60 KB and typically 20–40 KB, a light blue, white
 * or light grey background, eyes 200–300 px from the top, face 180–300 px wide) and returns a
 * {@link dev.codebound.protocol.photo.check.PhotoReport} of
 * {@link dev.codebound.protocol.photo.check.Finding}s, each naming its
 * {@link dev.codebound.protocol.photo.check.Check}, its
 * {@link dev.codebound.protocol.photo.check.Severity} and, in words, what is wrong and what is expected.
 * A photo is acceptable (may be sealed and uploaded, and is accepted by the registry) when no finding is
 * an ERROR under the default spec.
 *
 * <p>What is measured and what is estimated:
 * <ul>
 *   <li>exact, from the file's marker segments: structure, truncation, coding, size, colour components
 *       and precision, density, file size;</li>
 *   <li>an estimate with a documented method: JPEG quality (the IJG quality whose luminance table is
 *       nearest, see {@link dev.codebound.protocol.photo.jpeg.QualityEstimator});</li>
 *   <li>a robust measurement with an assumption: the background colour (the median of border strips
 *       where a framed portrait has no person, see {@link dev.codebound.protocol.photo.check.BackgroundCheck});</li>
 *   <li>a heuristic, WARNING by default: eye line and face width, from the outline of the person
 *       against the background (see {@link dev.codebound.protocol.photo.check.FaceGeometryCheck}). There
 *       is no face detection here.</li>
 * </ul>
 */
package dev.codebound.protocol.photo.check;
