package dev.codebound.protocol.photo;

import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Byte-level surgery on JPEGs for tests, and the samples the tests share (generated once). */
public final class TestJpegs {
    public static final long SEED = 20260601L;
    public static final byte[] GOOD = SamplePhotos.good(SEED);

    private TestJpegs() {
    }

    /** Offset of the first FF {@code marker} at a segment boundary (walks the segments, not the data). */
    public static int segmentOffset(byte[] jpeg, int marker) {
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            int m = jpeg[pos + 1] & 0xFF;
            if (m == marker) {
                return pos;
            }
            if (m == 0xDA) {
                break;
            }
            pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
        }
        throw new AssertionError("no segment FF " + Integer.toHexString(marker));
    }

    /** Offset of the first byte after the SOS segment header: the start of the entropy-coded data. */
    public static int scanDataOffset(byte[] jpeg) {
        int sos = segmentOffset(jpeg, 0xDA);
        return sos + 2 + (((jpeg[sos + 2] & 0xFF) << 8) | (jpeg[sos + 3] & 0xFF));
    }

    /** The JPEG without its APP0 JFIF segment (which ImageIO writes first). */
    public static byte[] withoutJfif(byte[] jpeg) {
        int app0 = segmentOffset(jpeg, 0xE0);
        int length = 2 + (((jpeg[app0 + 2] & 0xFF) << 8) | (jpeg[app0 + 3] & 0xFF));
        return splice(jpeg, app0, length, new byte[0]);
    }

    /** Replaces {@code length} bytes at {@code at} with {@code insert}. */
    public static byte[] splice(byte[] bytes, int at, int length, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(insert);
        out.write(bytes, at + length, bytes.length - at - length);
        return out.toByteArray();
    }

    /** A copy with the bytes at {@code at} set to {@code values}. */
    public static byte[] patch(byte[] bytes, int at, int... values) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < values.length; i++) {
            copy[at + i] = (byte) values[i];
        }
        return copy;
    }

    /**
     * An APP1 Exif segment whose IFD0 holds XResolution and YResolution {@code numerator/denominator}
     * and ResolutionUnit {@code unit} (2 inches, 3 centimetres).
     */
    public static byte[] exifSegment(long numerator, long denominator, int unit, ByteOrder order) {
        ByteBuffer tiff = ByteBuffer.allocate(66).order(order);
        tiff.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
        tiff.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 3);
        tiff.putShort((short) 0x011A).putShort((short) 5).putInt(1).putInt(50);
        tiff.putShort((short) 0x011B).putShort((short) 5).putInt(1).putInt(58);
        tiff.putShort((short) 0x0128).putShort((short) 3).putInt(1).putShort((short) unit).putShort((short) 0);
        tiff.putInt(0);
        tiff.putInt((int) numerator).putInt((int) denominator).putInt((int) numerator).putInt((int) denominator);
        byte[] id = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer segment = ByteBuffer.allocate(4 + id.length + 66);
        segment.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + id.length + 66)).put(id).put(tiff.array());
        return segment.array();
    }

    /** How messages describe a size of {@code bytes}, computed independently of FileSizeCheck. */
    public static String kb(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KB"
                : String.format(Locale.ROOT, "%.1f KB (%d bytes)", bytes / 1024.0, bytes);
    }
}
