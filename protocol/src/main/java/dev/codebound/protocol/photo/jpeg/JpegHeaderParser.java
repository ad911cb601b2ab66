package dev.codebound.protocol.photo.jpeg;

import dev.codebound.protocol.photo.jpeg.JpegHeader.Component;
import dev.codebound.protocol.photo.jpeg.JpegHeader.Density;
import dev.codebound.protocol.photo.jpeg.JpegHeader.Frame;
import dev.codebound.protocol.photo.jpeg.JpegHeader.QuantTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a JPEG's marker segments (ITU T.81 Annex B) without decoding any image data: frame header,
 * quantization tables, JFIF and Exif density, scans and the end-of-image marker.
 *
 * <p>Written by hand rather than with ImageIO's metadata reader because the checks need to tell a
 * truncated file from a corrupt one and to say where, and because every read here is bounds-checked:
 * whatever the bytes, {@link #parse} returns a {@link JpegHeader} and never throws. Parsing stops at
 * the first structural problem, keeping what it learned before it.
 */
public final class JpegHeaderParser {
    /** Natural (row-major) index of the i-th coefficient in zigzag order, ITU T.81 Figure A.6. */
    static final int[] ZIGZAG_TO_NATURAL = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    };

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DQT = 0xDB;
    private static final int APP0 = 0xE0;
    private static final int APP1 = 0xE1;
    private static final byte[] JFIF_ID = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXIF_ID = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);

    private final byte[] b;
    private Frame frame;
    private final Map<Integer, QuantTable> quantTables = new HashMap<>();
    private Density jfifDensity;
    private Density exifDensity;
    private boolean scanSeen;
    private boolean endOfImage;
    private String truncation;
    private String corruption;

    private JpegHeaderParser(byte[] bytes) {
        this.b = bytes;
    }

    /** Parses the marker structure of {@code bytes}; never throws. */
    public static JpegHeader parse(byte[] bytes) {
        return new JpegHeaderParser(bytes).run();
    }

    /** Whether the bytes start like a JPEG: SOI followed by the first byte of another marker. */
    public static boolean looksLikeJpeg(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == SOI && (bytes[2] & 0xFF) == 0xFF;
    }

    private JpegHeader run() {
        if (!looksLikeJpeg(b)) {
            return new JpegHeader(false, null, Map.of(), null, null, false, false, null, null);
        }
        walkSegments();
        if (truncation == null && corruption == null) {
            if (frame == null) {
                corruption = "it has no frame header (SOF)";
            } else if (!scanSeen) {
                corruption = "it has no image data (no SOS segment)";
            }
        }
        return new JpegHeader(true, frame, quantTables, jfifDensity, exifDensity, scanSeen, endOfImage,
                truncation, corruption);
    }

    private void walkSegments() {
        int pos = 2;
        while (true) {
            if (pos >= b.length) {
                truncation = "after the last complete segment";
                return;
            }
            if (u8(pos) != 0xFF) {
                corruption = "byte " + pos + " should start a marker but is " + hex(u8(pos));
                return;
            }
            // Any number of 0xFF fill bytes may precede a marker (T.81 B.1.1.2).
            while (pos < b.length && u8(pos) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                truncation = "inside a marker";
                return;
            }
            int marker = u8(pos);
            int markerAt = pos - 1;
            pos++;
            if (marker == EOI) {
                endOfImage = true;
                return;
            }
            if (marker == SOI || marker == 0x00) {
                corruption = "byte " + markerAt + " holds an unexpected marker FF " + hex(marker);
                return;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // TEM and RSTn carry no length
            }
            if (pos + 2 > b.length) {
                truncation = "inside the " + markerName(marker) + " segment at byte " + markerAt;
                return;
            }
            int length = u16(pos);
            if (length < 2) {
                corruption = "the " + markerName(marker) + " segment at byte " + markerAt + " has invalid length "
                        + length;
                return;
            }
            int start = pos + 2;
            int end = pos + length;
            if (end > b.length) {
                truncation = "inside the " + markerName(marker) + " segment at byte " + markerAt;
                return;
            }
            if (!readSegment(marker, markerAt, start, end)) {
                return;
            }
            pos = end;
            if (marker == SOS) {
                pos = skipEntropyCodedData(pos);
                if (pos < 0) {
                    truncation = "inside the image data";
                    return;
                }
            }
        }
    }

    /** Reads one segment's payload; returns false (with {@link #corruption} set) to stop parsing. */
    private boolean readSegment(int marker, int markerAt, int start, int end) {
        if (isStartOfFrame(marker)) {
            if (frame == null) {
                return readFrame(marker, markerAt, start, end);
            }
            corruption = "it has a second frame header (" + markerName(marker) + ") at byte " + markerAt;
            return false;
        }
        switch (marker) {
            case DQT -> {
                return readQuantTables(markerAt, start, end);
            }
            case SOS -> {
                if (frame == null) {
                    corruption = "image data (SOS) at byte " + markerAt + " precedes the frame header (SOF)";
                    return false;
                }
                scanSeen = true;
            }
            case APP0 -> readJfif(start, end);
            case APP1 -> readExif(start, end);
            default -> {
                // DHT, DRI, COM and other APPn segments carry nothing the checks need.
            }
        }
        return true;
    }

    private boolean readFrame(int marker, int markerAt, int start, int end) {
        if (end - start < 6) {
            corruption = "the frame header at byte " + markerAt + " is too short";
            return false;
        }
        int precision = u8(start);
        int height = u16(start + 1);
        int width = u16(start + 3);
        int count = u8(start + 5);
        if (end - start < 6 + 3 * count) {
            corruption = "the frame header at byte " + markerAt + " is too short for its " + count + " components";
            return false;
        }
        List<Component> components = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = start + 6 + 3 * i;
            components.add(new Component(u8(at), u8(at + 2) & 0x0F));
        }
        frame = new Frame(marker, precision, width, height, components);
        return true;
    }

    private boolean readQuantTables(int markerAt, int start, int end) {
        int pos = start;
        while (pos < end) {
            int pqTq = u8(pos++);
            boolean sixteenBit = (pqTq >> 4) != 0;
            int id = pqTq & 0x0F;
            int size = sixteenBit ? 128 : 64;
            if (id > 3 || end - pos < size) {
                corruption = "the quantization table segment (DQT) at byte " + markerAt + " is malformed";
                return false;
            }
            int[] natural = new int[64];
            for (int i = 0; i < 64; i++) {
                natural[ZIGZAG_TO_NATURAL[i]] = sixteenBit ? u16(pos + 2 * i) : u8(pos + i);
            }
            quantTables.put(id, new QuantTable(natural, sixteenBit));
            pos += size;
        }
        return true;
    }

    /** APP0 JFIF: identifier, version (2), units (1), Xdensity (2), Ydensity (2), thumbnail... */
    private void readJfif(int start, int end) {
        if (jfifDensity != null || end - start < 12 || !startsWith(start, JFIF_ID)) {
            return;
        }
        int units = u8(start + 7);
        int x = u16(start + 8);
        int y = u16(start + 10);
        // Units 0 give only the pixel aspect ratio, which is no density at all.
        if ((units == 1 || units == 2) && x > 0 && y > 0) {
            double perInch = units == 1 ? 1 : 2.54;
            jfifDensity = new Density("JFIF", x * perInch, y * perInch);
        }
    }

    /** APP1 Exif: a TIFF header and IFD0, whose XResolution, YResolution and ResolutionUnit give density. */
    private void readExif(int start, int end) {
        if (exifDensity != null || end - start < EXIF_ID.length + 8 || !startsWith(start, EXIF_ID)) {
            return;
        }
        new ExifReader(start + EXIF_ID.length, end).read();
    }

    private int skipEntropyCodedData(int pos) {
        while (pos < b.length) {
            if (u8(pos) != 0xFF) {
                pos++;
                continue;
            }
            if (pos + 1 >= b.length) {
                return -1;
            }
            int next = u8(pos + 1);
            // FF 00 is a stuffed data byte and RSTn stays inside the scan; any other marker ends it.
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                pos += 2;
            } else if (next == 0xFF) {
                pos++;
            } else {
                return pos;
            }
        }
        return -1;
    }

    private static boolean isStartOfFrame(int marker) {
        // C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frame headers.
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    public static String markerName(int marker) {
        if (isStartOfFrame(marker)) {
            return "SOF" + (marker - 0xC0);
        }
        if (marker >= 0xE0 && marker <= 0xEF) {
            return "APP" + (marker - 0xE0);
        }
        return switch (marker) {
            case 0xC4 -> "DHT";
            case 0xCC -> "DAC";
            case DQT -> "DQT";
            case 0xDD -> "DRI";
            case SOS -> "SOS";
            case 0xFE -> "COM";
            default -> "FF " + hex(marker);
        };
    }

    private boolean startsWith(int pos, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int u8(int pos) {
        return b[pos] & 0xFF;
    }

    private int u16(int pos) {
        return (u8(pos) << 8) | u8(pos + 1);
    }

    private static String hex(int value) {
        return String.format("0x%02X", value);
    }

    /** Reads IFD0 of the TIFF structure inside an Exif segment; ignores anything malformed. */
    private final class ExifReader {
        private static final int X_RESOLUTION = 0x011A;
        private static final int Y_RESOLUTION = 0x011B;
        private static final int RESOLUTION_UNIT = 0x0128;
        private static final int TYPE_SHORT = 3;
        private static final int TYPE_RATIONAL = 5;

        private final int tiff;
        private final int end;
        private boolean littleEndian;

        ExifReader(int tiff, int end) {
            this.tiff = tiff;
            this.end = end;
        }

        void read() {
            if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
                littleEndian = true;
            } else if (!(b[tiff] == 'M' && b[tiff + 1] == 'M')) {
                return;
            }
            long ifd = u32(tiff + 4);
            if (ifd < 8 || ifd > end - tiff - 2) {
                return;
            }
            int ifdAt = tiff + (int) ifd;
            int count = u16e(ifdAt);
            double x = 0;
            double y = 0;
            int unit = 2; // TIFF's default ResolutionUnit is inches
            for (int i = 0; i < count; i++) {
                int entry = ifdAt + 2 + 12 * i;
                if (entry + 12 > end) {
                    return;
                }
                int tag = u16e(entry);
                int type = u16e(entry + 2);
                if ((tag == X_RESOLUTION || tag == Y_RESOLUTION) && type == TYPE_RATIONAL) {
                    double value = rational(u32(entry + 8));
                    if (tag == X_RESOLUTION) {
                        x = value;
                    } else {
                        y = value;
                    }
                } else if (tag == RESOLUTION_UNIT && type == TYPE_SHORT) {
                    unit = u16e(entry + 8);
                }
            }
            // Unit 1 means "no absolute unit", like JFIF units 0.
            if (x > 0 && y > 0 && (unit == 2 || unit == 3)) {
                double perInch = unit == 2 ? 1 : 2.54;
                exifDensity = new Density("Exif", x * perInch, y * perInch);
            }
        }

        private double rational(long offset) {
            if (offset > end - tiff - 8) {
                return 0;
            }
            int at = tiff + (int) offset;
            long numerator = u32(at);
            long denominator = u32(at + 4);
            return denominator == 0 ? 0 : (double) numerator / denominator;
        }

        private int u16e(int pos) {
            return littleEndian ? u8(pos) | (u8(pos + 1) << 8) : u16(pos);
        }

        private long u32(int pos) {
            long high = u16e(littleEndian ? pos + 2 : pos);
            long low = u16e(littleEndian ? pos : pos + 2);
            return (high << 16) | low;
        }
    }
}
