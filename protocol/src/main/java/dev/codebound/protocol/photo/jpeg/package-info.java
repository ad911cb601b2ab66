/**
 * The JPEG reader the photo checks stand on: pure, bytes in and a result out, no file written.
 *
 * <ul>
 *   <li>{@link dev.codebound.protocol.photo.jpeg.JpegHeaderParser} reads the marker segments by hand,
 *       bounds-checked, into a {@link dev.codebound.protocol.photo.jpeg.JpegHeader} (frame,
 *       quantization tables, JFIF and Exif density, truncation or corruption and where), and never
 *       throws;</li>
 *   <li>{@link dev.codebound.protocol.photo.jpeg.QualityEstimator} estimates the IJG quality of a
 *       luminance quantization table (an estimate with a documented method);</li>
 *   <li>{@link dev.codebound.protocol.photo.jpeg.JpegDecoder} decodes the image data with ImageIO into
 *       {@link dev.codebound.protocol.photo.jpeg.Pixels}, treating libjpeg's corrupt-data warnings as
 *       failures; {@link dev.codebound.protocol.photo.jpeg.Rgb} handles packed 0xRRGGBB pixels.</li>
 * </ul>
 */
package dev.codebound.protocol.photo.jpeg;
