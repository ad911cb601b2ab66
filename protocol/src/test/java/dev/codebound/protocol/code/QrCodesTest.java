package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class QrCodesTest {
    private static final String CODE = "CB1" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(10);

    @Test
    void renderedCodeReadsBack() throws Exception {
        byte[] png = QrCodes.renderPng(CODE, QrCodes.DEFAULT_SIZE);
        assertTrue(png.length > 0 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        assertEquals(CODE, QrCodes.read(png));
    }

    @Test
    void readsACodeFromAJpegPhotoOfTheScreen() throws Exception {
        BufferedImage rendered = ImageIO.read(new java.io.ByteArrayInputStream(QrCodes.renderPng(CODE, 640)));
        BufferedImage rgb = new BufferedImage(rendered.getWidth(), rendered.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(rendered, 0, 0, null);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(rgb, "jpg", jpeg);
        assertEquals(CODE, QrCodes.read(jpeg.toByteArray()));
    }

    @Test
    void imageWithoutACodeIsReported() throws IOException {
        BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(blank, "png", png);
        QrCodes.QrReadException e = assertThrows(QrCodes.QrReadException.class, () -> QrCodes.read(png.toByteArray()));
        assertTrue(e.getMessage().startsWith("no QR code found in the image (200x200)"), e.getMessage());
    }

    @Test
    void nonImageIsReported() {
        QrCodes.QrReadException e = assertThrows(QrCodes.QrReadException.class,
                () -> QrCodes.read("not an image".getBytes()));
        assertTrue(e.getMessage().contains("not an image format"), e.getMessage());
    }

    /**
     * One of the ~1 in 60 texts whose clean rendering the photo detector misread ("could not be
     * decoded"); it made CodeVerifyCommandTest fail now and then, with a random code each run.
     */
    @Test
    void aCleanRenderingTheDetectorMisreadsStillReadsBack() throws Exception {
        String text = "CB1TNDV4GYACYLJ7Z3XL4YTN7FENBACSSSELGHBHMXSV75PAUTUZ7A5A3NCFZXDUHRT2YKTXX7FTKNCNHG6QFX2ZXMODKUYKGAE7IBLWM2P3OJ2VXN6JQMPS6UUZKXRE4WFTT3XZCAAPQPQOILHGNIRKJ34IG64GRKB5MO23FDZHIG6KOT7WVWWJC6MNRAWB63SN74R7DC3MWOMFBGFYLDTZQIFOPIVW4P6HT5O2RAYPI5SL6M7MQT5OK3NZ2FKU2E73JY4F7FBABQEHAHGWNPO43WBEDX34IWSKBSRP3JSLAM2VRJ5BWDMZK4L3TP2IDT4QZYQCT6EMT";
        assertEquals(text, QrCodes.read(QrCodes.renderPng(text, QrCodes.DEFAULT_SIZE)));
        assertEquals(text, QrCodes.read(QrCodes.renderPng(text, 400)));
    }

    /**
     * A 69-byte PNG that declares 30000 x 30000 grey pixels: decoding a full image of that size
     * (an 850 KB file) ran out of memory inside read() instead of failing with QrReadException.
     */
    @Test
    void anImageDeclaringTooManyPixelsIsRefusedBeforeDecoding() throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(30_000).putInt(30_000).put((byte) 8);
        pngChunk(png, "IHDR", header.array());
        pngChunk(png, "IEND", new byte[0]);
        QrCodes.QrReadException e = assertThrows(QrCodes.QrReadException.class, () -> QrCodes.read(png.toByteArray()));
        assertTrue(e.getMessage().contains("megapixels"), e.getMessage());
    }

    /** A code photographed at 12 MP (4000x3000), taking a third of the frame, is read from a subsampled copy. */
    @Test
    void aLargePhotoIsDecodedFromASubsampledCopy() throws Exception {
        BufferedImage code = ImageIO.read(new java.io.ByteArrayInputStream(QrCodes.renderPng(CODE, 1000)));
        BufferedImage photo = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = photo.createGraphics();
        graphics.setColor(java.awt.Color.GRAY);
        graphics.fillRect(0, 0, 4000, 3000);
        graphics.drawImage(code, 1500, 1000, null);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(photo, "png", png);

        assertEquals(2, QrCodes.subsampling(4000, 3000), "decoded at 2000x1500");
        assertEquals(CODE, QrCodes.read(png.toByteArray()));
    }

    @Test
    void subsamplingKeepsSmallImagesWhole() {
        assertEquals(1, QrCodes.subsampling(QrCodes.DEFAULT_SIZE, QrCodes.DEFAULT_SIZE));
        assertEquals(1, QrCodes.subsampling(QrCodes.DECODE_SIDE, 1000));
        assertEquals(2, QrCodes.subsampling(QrCodes.DECODE_SIDE + 1, 1000));
    }

    /** A 4100x4100 image (16.8 MP) is over the 12-megapixel cap: refused from its header alone. */
    @Test
    void anImageOverTwelveMegapixelsIsRefused() throws IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(4100).putInt(4100).put((byte) 8);
        pngChunk(png, "IHDR", header.array());
        pngChunk(png, "IEND", new byte[0]);
        QrCodes.QrReadException e = assertThrows(QrCodes.QrReadException.class, () -> QrCodes.read(png.toByteArray()));
        assertEquals("the image is 4100x4100 pixels, more than 12 megapixels; crop it to the code or take a "
                + "screenshot instead", e.getMessage());
    }

    @Test
    void bytesThatAreNoImageAreReported() {
        QrCodes.QrReadException e = assertThrows(QrCodes.QrReadException.class,
                () -> QrCodes.read("CB1 not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not an image format"), e.getMessage());
    }

    private static void pngChunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.io.DataOutputStream d = new java.io.DataOutputStream(out);
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        d.writeInt(data.length);
        d.write(name);
        d.write(data);
        d.writeInt((int) crc.getValue());
    }
}
