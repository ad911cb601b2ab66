package dev.codebound.protocol.photo.jpeg;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a JPEG with ImageIO, treating libjpeg's corrupt-data warnings as failures.
 *
 * <p>A 24-bit colour JPEG without an ICC profile decodes to {@link BufferedImage#TYPE_3BYTE_BGR}, whose
 * bytes are already the sRGB components {@link BufferedImage#getRGB} would return: the checks read
 * that array as it is, instead of paying getRGB's per-pixel colour-model calls (about 20 ns a pixel).
 * Any other layout (grayscale, an embedded ICC profile) goes through getRGB and its colour conversion.
 */
public final class JpegDecoder {
    private JpegDecoder() {
    }

    /** Why decoding failed; its message completes "image data cannot be decoded: ...". */
    public static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    /** Decodes {@code jpeg} into its pixels, or says why it cannot. */
    public static Pixels decode(byte[] jpeg) throws DecodeException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new DecodeException("this Java runtime has no JPEG reader");
        }
        ImageReader reader = readers.next();
        // libjpeg recovers from corrupt entropy data with only a warning and grey blocks; a photo
        // the registry would see damaged must not pass, so any warning fails the decode.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        // Held in memory: ImageIO.createImageInputStream would cache the bytes in a temporary file.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            // Metadata is ignored: JpegHeaderParser has read what matters, and ImageIO's metadata
            // parser rejects harmless oddities (e.g. odd thumbnails) that should not fail a photo.
            reader.setInput(input, true, true);
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new DecodeException(warnings.get(0));
            }
            return pixels(image);
        } catch (IOException | RuntimeException e) {
            // ImageIO signals corrupt input with IIOException but also with unchecked exceptions.
            String message = e.getMessage();
            throw new DecodeException(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
        } finally {
            reader.dispose();
        }
    }

    /** The image's pixels, read straight from a TYPE_3BYTE_BGR raster, otherwise converted by getRGB. */
    public static Pixels pixels(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel layout
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && buffer.getNumBanks() == 1 && buffer.getOffset() == 0 && buffer.getSize() == 3 * width * height
                && layout.getPixelStride() == 3 && layout.getScanlineStride() == 3 * width
                && Arrays.equals(layout.getBandOffsets(), new int[] {2, 1, 0})) {
            return new Pixels(width, height, buffer.getData());
        }
        int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] bgr = new byte[3 * rgb.length];
        for (int i = 0, b = 0; i < rgb.length; i++, b += 3) {
            bgr[b] = (byte) rgb[i];
            bgr[b + 1] = (byte) (rgb[i] >> 8);
            bgr[b + 2] = (byte) (rgb[i] >> 16);
        }
        return new Pixels(width, height, bgr);
    }
}
