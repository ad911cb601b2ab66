package dev.codebound.protocol.code;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Renders collection codes as QR code PNGs and reads them back from photos or screenshots.
 * Error correction level M (15%) keeps a ~330-character code at QR version 10 or so, readable from
 * a phone screen with a scratch or glare on it.
 */
public final class QrCodes {
    /** Default rendered size in pixels: comfortable for a phone screen and a printed sheet. */
    public static final int DEFAULT_SIZE = 480;

    private QrCodes() {}

    /** Renders {@code text} as a PNG QR code of {@code size} × {@code size} pixels with a quiet zone. */
    public static byte[] renderPng(String text, int size) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", png);
            return png.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot render a QR code for " + text.length()
                    + " characters: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode QR PNG", e);
        }
    }

    /**
     * The largest image accepted, in pixels (12 megapixels: a 12 MP phone photo of the screen, or a
     * screenshot of a few megapixels, fits). A PNG of a few hundred kilobytes can declare 30000 x
     * 30000 pixels of one colour; decoding even the 64 megapixels once allowed cost 19 s and 800 MB.
     */
    static final long MAX_PIXELS = 12L << 20;

    /**
     * The longest side an image is decoded at. Larger images are subsampled while they are read
     * (every n-th pixel of every n-th row), so the raster in memory stays near 4 megapixels: a code
     * that fills a fraction of a phone photo still has several pixels per module at this size.
     */
    static final int DECODE_SIDE = 2048;

    /**
     * Reads the text of the QR code in an image (PNG, JPEG, GIF or BMP).
     *
     * @throws QrReadException when the bytes are not an image, declare more than 12 megapixels, or
     *     hold no readable QR code
     */
    public static String read(byte[] image) throws QrReadException {
        BufferedImage picture = decode(image);
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture)));
        try {
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        } catch (NotFoundException | ChecksumException | FormatException photo) {
            try {
                // About 1 in 60 clean renderings (a screenshot of the code) are misread by the
                // detector meant for photos; read as an upright, unskewed symbol they decode.
                return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
            } catch (NotFoundException | ChecksumException | FormatException pure) {
                if (photo instanceof NotFoundException) {
                    throw new QrReadException("no QR code found in the image (" + picture.getWidth() + "x"
                            + picture.getHeight() + "); retake it sharper, with the whole code in view");
                }
                throw new QrReadException("a QR code was found but could not be decoded; it may be damaged or "
                        + "partly hidden");
            }
        }
    }


    private static BufferedImage decode(byte[] image) throws QrReadException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new QrReadException("the file is not an image format we can read (use PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > MAX_PIXELS) {
                    throw new QrReadException("the image is " + width + "x" + height + " pixels, more than "
                            + (MAX_PIXELS >> 20) + " megapixels; crop it to the code or take a screenshot instead");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height);
                param.setSourceSubsampling(step, step, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Image decoders throw unchecked exceptions on some malformed files, too.
            throw new QrReadException("the file is not a readable image: " + e.getMessage());
        }
    }

    /** The subsampling step that brings the longer side of a {@code width} x {@code height} image to {@link #DECODE_SIDE}. */
    static int subsampling(int width, int height) {
        int longer = Math.max(width, height);
        return Math.max(1, (longer + DECODE_SIDE - 1) / DECODE_SIDE);
    }

    /** No QR code could be read from an image. */
    public static final class QrReadException extends Exception {
        private static final long serialVersionUID = 1L;

        QrReadException(String message) {
            super(message);
        }
    }
}
