package dev.codebound.protocol.photo.jpeg;

import java.util.List;
import java.util.Map;

/**
 * What {@link JpegHeaderParser} learned from a file's marker segments. Nullable fields are absent
 * from the file (or lie beyond the point where parsing had to stop).
 *
 * @param jpeg              whether the file starts with SOI and a marker (FF D8 FF)
 * @param frame             the first frame header (SOFn), or null
 * @param quantTables       quantization tables by destination id (0..3), in natural (row-major) order
 * @param jfifDensity       density from an APP0 JFIF header with units, or null
 * @param exifDensity       density from an APP1 Exif IFD0 resolution, or null
 * @param scanSeen          whether a start-of-scan (SOS) segment was read
 * @param endOfImage        whether the end-of-image marker (EOI) was reached
 * @param truncation        where the file ends too early, e.g. {@code inside the image data}, or null
 * @param corruption        why the marker structure is invalid, or null
 */
public record JpegHeader(boolean jpeg, Frame frame, Map<Integer, QuantTable> quantTables, Density jfifDensity,
        Density exifDensity, boolean scanSeen, boolean endOfImage, String truncation, String corruption) {

    /** Copies the tables. */
    public JpegHeader {
        quantTables = Map.copyOf(quantTables);
    }

    /** The density a reader should use: JFIF first (it is the file format's own), then Exif. */
    public Density density() {
        return jfifDensity != null ? jfifDensity : exifDensity;
    }

    /**
     * A frame header (SOFn).
     *
     * @param marker     the SOF marker's second byte, 0xC0..0xCF
     * @param precision  bits per sample
     * @param width      samples per line
     * @param height     lines (0 means defined later by a DNL marker)
     * @param components the components in frame order
     */
    public record Frame(int marker, int precision, int width, int height, List<Component> components) {
        /** Copies the components. */
        public Frame {
            components = List.copyOf(components);
        }

        /** Whether the frame is baseline Huffman coding (SOF0). */
        public boolean baseline() {
            return marker == 0xC0;
        }

        /** Whether the frame is progressive Huffman coding (SOF2). */
        public boolean progressive() {
            return marker == 0xC2;
        }

        /** Coding process name from ITU T.81 Table B.1, for messages. */
        public String codingName() {
            return switch (marker) {
                case 0xC0 -> "baseline";
                case 0xC1 -> "extended sequential";
                case 0xC2 -> "progressive";
                case 0xC3 -> "lossless";
                case 0xC5 -> "differential sequential";
                case 0xC6 -> "differential progressive";
                case 0xC7 -> "differential lossless";
                case 0xC9 -> "extended sequential arithmetic";
                case 0xCA -> "progressive arithmetic";
                case 0xCB -> "lossless arithmetic";
                case 0xCD -> "differential sequential arithmetic";
                case 0xCE -> "differential progressive arithmetic";
                default -> "differential lossless arithmetic";
            };
        }
    }

    /**
     * One frame component.
     *
     * @param id         component identifier
     * @param quantTable quantization table destination (0..3)
     */
    public record Component(int id, int quantTable) {
    }

    /**
     * A quantization table.
     *
     * @param values  64 entries in natural (row-major) order
     * @param sixteenBit whether the table was stored with 16-bit precision
     */
    public record QuantTable(int[] values, boolean sixteenBit) {
        /** Copies the entries. */
        public QuantTable {
            values = values.clone();
        }

        @Override
        public int[] values() {
            return values.clone();
        }
    }

    /**
     * A declared density converted to dots per inch.
     *
     * @param source {@code JFIF} or {@code Exif}
     * @param xDpi   horizontal density
     * @param yDpi   vertical density
     */
    public record Density(String source, double xDpi, double yDpi) {
    }
}
