package dev.codebound.protocol.photo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes a JPEG with ImageIO, treating libjpeg's corrupt-data warnings as failures. */
final class JpegDecoder {
    private JpegDecoder() {
    }

    /** Why decoding failed; its message completes "image data cannot be decoded: ...". */
    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    static Pixels decode(byte[] jpeg) throws DecodeException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new DecodeException("this Java runtime has no JPEG reader");
        }
        ImageReader reader = readers.next();
        // libjpeg recovers from corrupt entropy data with only a warning and grey blocks; a photo
        // the registry would see damaged must not pass, so any warning fails the decode.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            // Metadata is ignored: JpegHeaderParser has read what matters, and ImageIO's metadata
            // parser rejects harmless oddities (e.g. odd thumbnails) that should not fail a photo.
            reader.setInput(input, true, true);
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new DecodeException(warnings.get(0));
            }
            int width = image.getWidth();
            int height = image.getHeight();
            int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] &= 0xFFFFFF;
            }
            return new Pixels(width, height, rgb);
        } catch (IOException | RuntimeException e) {
            // ImageIO signals corrupt input with IIOException but also with unchecked exceptions.
            String message = e.getMessage();
            throw new DecodeException(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
        } finally {
            reader.dispose();
        }
    }
}
