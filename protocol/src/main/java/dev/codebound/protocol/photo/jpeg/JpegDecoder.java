package dev.codebound.protocol.photo.jpeg;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a JPEG with ImageIO, treating libjpeg's corrupt-data warnings as failures.
 *
 * <p>A 24-bit colour JPEG without an ICC profile, which ImageIO would decode into a
 * {@link BufferedImage#TYPE_3BYTE_BGR} image, is decoded instead into an sRGB image whose bytes are
 * in red, green, blue order: libjpeg converts to sRGB the same way for both (the same pixels), but
 * ImageIO copies each of libjpeg's RGB scanlines into a BGR raster byte by byte, reordering, and
 * into an RGB raster with one array copy (about a third of the decode's CPU on a 480×640 photo).
 * The checks then read that array as it is, without getRGB's per-pixel colour-model calls. Any
 * other layout (grayscale, an embedded ICC profile) is decoded as ImageIO chooses and converted
 * through getRGB.
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
            ImageReadParam param = reader.getDefaultReadParam();
            Pixels straight = rgbDestination(reader, param);
            BufferedImage image = reader.read(0, param);
            if (!warnings.isEmpty()) {
                throw new DecodeException(warnings.get(0));
            }
            return straight != null ? straight : pixels(image);
        } catch (IOException | RuntimeException e) {
            // ImageIO signals corrupt input with IIOException but also with unchecked exceptions.
            String message = e.getMessage();
            throw new DecodeException(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
        } finally {
            reader.dispose();
        }
    }

    /**
     * When ImageIO would decode into a TYPE_3BYTE_BGR image, sets an sRGB image over a new RGB
     * array as {@code param}'s destination and returns the pixels that array will hold; otherwise
     * leaves {@code param} alone and returns {@code null}.
     */
    private static Pixels rgbDestination(ImageReader reader, ImageReadParam param) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext() || types.next().getBufferedImageType() != BufferedImage.TYPE_3BYTE_BGR) {
            return null;
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        long size = 3L * width * height;
        if (size > Integer.MAX_VALUE - 8) {
            return null; // ImageIO refuses such an image with its own message
        }
        byte[] rgb = new byte[(int) size];
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(rgb, rgb.length), width, height,
                3 * width, 3, new int[] {0, 1, 2}, null);
        ColorModel srgb = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        param.setDestination(new BufferedImage(srgb, raster, false, null));
        return new Pixels(width, height, rgb);
    }

    /** The image's pixels, read from a TYPE_3BYTE_BGR raster's bytes, otherwise converted by getRGB. */
    public static Pixels pixels(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        byte[] rgb = new byte[3 * width * height];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel layout
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && buffer.getNumBanks() == 1 && buffer.getOffset() == 0 && buffer.getSize() == rgb.length
                && layout.getPixelStride() == 3 && layout.getScanlineStride() == 3 * width
                && Arrays.equals(layout.getBandOffsets(), new int[] {2, 1, 0})) {
            byte[] bgr = buffer.getData();
            for (int b = 0; b < rgb.length; b += 3) {
                rgb[b] = bgr[b + 2];
                rgb[b + 1] = bgr[b + 1];
                rgb[b + 2] = bgr[b];
            }
            return new Pixels(width, height, rgb);
        }
        int[] packed = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0, b = 0; i < packed.length; i++, b += 3) {
            rgb[b] = (byte) (packed[i] >> 16);
            rgb[b + 1] = (byte) (packed[i] >> 8);
            rgb[b + 2] = (byte) packed[i];
        }
        return new Pixels(width, height, rgb);
    }
}
