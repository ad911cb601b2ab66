package dev.codebound.protocol.photo.check;

/**
 * The checks a {@link PhotoInspector} runs, each with a stable id for logs and configuration and a
 * default severity.
 *
 * <p>{@link #FORMAT}, {@link #TRUNCATED} and {@link #DECODE} are structural: a file that fails them
 * cannot be inspected further and can never be accepted, so they are always {@link Severity#ERROR}.
 * All other checks can be relaxed to {@link Severity#WARNING} or turned {@link Severity#OFF}.
 */
public enum Check {
    /** The bytes are a JPEG with a well-formed marker structure, a frame header and image data. */
    FORMAT("format", Severity.ERROR, false),
    /** The file ends with the end-of-image marker (EOI). */
    TRUNCATED("truncated", Severity.ERROR, false),
    /** The file size lies within the accepted range ({@link PhotoSpec#minFileBytes()}..{@link PhotoSpec#maxFileBytes()}). */
    FILE_SIZE("file-size", Severity.ERROR, true),
    /** The file size lies within the typical range; only reported when {@link #FILE_SIZE} is not. */
    FILE_SIZE_TYPICAL("file-size-typical", Severity.WARNING, true),
    /** The frame is baseline (SOF0) or progressive (SOF2) Huffman coding. */
    CODING("coding", Severity.ERROR, true),
    /** The frame is exactly {@link PhotoSpec#width()} × {@link PhotoSpec#height()} pixels. */
    DIMENSIONS("dimensions", Severity.ERROR, true),
    /** The frame is 24-bit colour: 3 components of 8-bit precision. */
    COLOUR("colour", Severity.ERROR, true),
    /** The declared density (JFIF, else Exif) is {@link PhotoSpec#densityDpi()}. */
    DENSITY("density", Severity.ERROR, true),
    /** The file declares a density at all (a JFIF header with units or an Exif resolution). */
    DENSITY_MISSING("density-missing", Severity.WARNING, true),
    /** The estimated IJG quality of the luminance quantization table is at least {@link PhotoSpec#minQuality()}. */
    QUALITY("quality", Severity.ERROR, true),
    /** The image data decodes without errors or corrupt-data warnings. */
    DECODE("decode", Severity.ERROR, false),
    /** The median colour of the border strips is one of the allowed background colours. */
    BACKGROUND("background", Severity.ERROR, true),
    /** Heuristic: the estimated eye line lies within the allowed distance from the top. */
    EYE_LINE("eye-line", Severity.WARNING, true),
    /** Heuristic: the estimated face width lies within the allowed range. */
    FACE_WIDTH("face-width", Severity.WARNING, true);

    private final String id;
    private final Severity defaultSeverity;
    private final boolean relaxable;

    Check(String id, Severity defaultSeverity, boolean relaxable) {
        this.id = id;
        this.defaultSeverity = defaultSeverity;
        this.relaxable = relaxable;
    }

    /** The stable id, e.g. {@code file-size}. */
    public String id() {
        return id;
    }

    /** The severity of this check in {@link PhotoSpec#defaults()}. */
    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /** Whether a {@link PhotoSpec} may set a severity other than {@link Severity#ERROR}. */
    public boolean relaxable() {
        return relaxable;
    }

    /** The check with this id. */
    public static Check ofId(String id) {
        for (Check check : values()) {
            if (check.id.equals(id)) {
                return check;
            }
        }
        throw new IllegalArgumentException("unknown photo check '" + id + "'");
    }
}
