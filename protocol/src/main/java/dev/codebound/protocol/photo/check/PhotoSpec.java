package dev.codebound.protocol.photo.check;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The photo specification a capture station checks against: immutable, built with {@link #builder()}.
 *
 * <p>{@link #defaults()} is the graduate-photo registry's published specification:
 * <ul>
 *   <li>JPEG, 480 × 640 px (width × height), 24-bit colour, baseline or progressive;</li>
 *   <li>300 dpi;</li>
 *   <li>IJG quality at least 60;</li>
 *   <li>file size: ERROR outside 10–60 KB, WARNING outside the typical 20–40 KB (1 KB = 1024 bytes);</li>
 *   <li>background light blue RGB(100,197,255), white RGB(255,255,255) or light grey RGB(240,240,240),
 *       within a Euclidean RGB distance of 40 (room for lighting and JPEG noise; white and light grey are
 *       26 apart, light blue and white 166);</li>
 *   <li>eyes 200–300 px from the top, face 180–300 px wide (heuristic estimates: WARNING);</li>
 *   <li>each check's severity as {@link Check#defaultSeverity()}.</li>
 * </ul>
 */
public final class PhotoSpec {
    private static final PhotoSpec DEFAULTS = builder().build();

    private final int width;
    private final int height;
    private final int densityDpi;
    private final int minQuality;
    private final long minFileBytes;
    private final long maxFileBytes;
    private final long typicalMinFileBytes;
    private final long typicalMaxFileBytes;
    private final List<BackgroundColour> backgrounds;
    private final int backgroundTolerance;
    private final int eyeLineMin;
    private final int eyeLineMax;
    private final int faceWidthMin;
    private final int faceWidthMax;
    private final Map<Check, Severity> severities;

    private PhotoSpec(Builder b) {
        width = b.width;
        height = b.height;
        densityDpi = b.densityDpi;
        minQuality = b.minQuality;
        minFileBytes = b.minFileBytes;
        maxFileBytes = b.maxFileBytes;
        typicalMinFileBytes = b.typicalMinFileBytes;
        typicalMaxFileBytes = b.typicalMaxFileBytes;
        backgrounds = List.copyOf(b.backgrounds);
        backgroundTolerance = b.backgroundTolerance;
        eyeLineMin = b.eyeLineMin;
        eyeLineMax = b.eyeLineMax;
        faceWidthMin = b.faceWidthMin;
        faceWidthMax = b.faceWidthMax;
        severities = new EnumMap<>(b.severities);
    }

    /** The registry's specification with the default severities (see the class comment). */
    public static PhotoSpec defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this spec. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Required width in pixels (default 480). */
    public int width() {
        return width;
    }

    /** Required height in pixels (default 640). */
    public int height() {
        return height;
    }

    /** Required density in dots per inch (default 300). */
    public int densityDpi() {
        return densityDpi;
    }

    /** Minimum estimated IJG quality (default 60). */
    public int minQuality() {
        return minQuality;
    }

    /** Smallest accepted file (default 10 KB). */
    public long minFileBytes() {
        return minFileBytes;
    }

    /**
     * Largest accepted file (default 60 KB). {@link PhotoInspector#inspect(java.nio.file.Path)} reads at
     * most one byte more than this, so it is also the inspector's memory bound.
     */
    public long maxFileBytes() {
        return maxFileBytes;
    }

    /** Lower end of the typical file size (default 20 KB). */
    public long typicalMinFileBytes() {
        return typicalMinFileBytes;
    }

    /** Upper end of the typical file size (default 40 KB). */
    public long typicalMaxFileBytes() {
        return typicalMaxFileBytes;
    }

    /** Allowed background colours (default light blue, white, light grey). */
    public List<BackgroundColour> backgrounds() {
        return backgrounds;
    }

    /** Largest Euclidean RGB distance from an allowed background colour (default 40). */
    public int backgroundTolerance() {
        return backgroundTolerance;
    }

    /** Smallest distance of the eye line from the top, in pixels (default 200). */
    public int eyeLineMin() {
        return eyeLineMin;
    }

    /** Largest distance of the eye line from the top, in pixels (default 300). */
    public int eyeLineMax() {
        return eyeLineMax;
    }

    /** Narrowest face in pixels (default 180). */
    public int faceWidthMin() {
        return faceWidthMin;
    }

    /** Widest face in pixels (default 300). */
    public int faceWidthMax() {
        return faceWidthMax;
    }

    /** The severity of a check under this spec. */
    public Severity severity(Check check) {
        return severities.get(check);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhotoSpec s && width == s.width && height == s.height && densityDpi == s.densityDpi
                && minQuality == s.minQuality && minFileBytes == s.minFileBytes && maxFileBytes == s.maxFileBytes
                && typicalMinFileBytes == s.typicalMinFileBytes && typicalMaxFileBytes == s.typicalMaxFileBytes
                && backgrounds.equals(s.backgrounds) && backgroundTolerance == s.backgroundTolerance
                && eyeLineMin == s.eyeLineMin && eyeLineMax == s.eyeLineMax && faceWidthMin == s.faceWidthMin
                && faceWidthMax == s.faceWidthMax && severities.equals(s.severities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, densityDpi, minQuality, minFileBytes, maxFileBytes, typicalMinFileBytes,
                typicalMaxFileBytes, backgrounds, backgroundTolerance, eyeLineMin, eyeLineMax, faceWidthMin,
                faceWidthMax, severities);
    }

    @Override
    public String toString() {
        return "PhotoSpec[" + width + "×" + height + ", " + densityDpi + " dpi, quality ≥ " + minQuality
                + ", " + minFileBytes + ".." + maxFileBytes + " bytes (typically " + typicalMinFileBytes + ".."
                + typicalMaxFileBytes + "), backgrounds " + backgrounds + " ± " + backgroundTolerance
                + ", eyes " + eyeLineMin + ".." + eyeLineMax + " px from the top, face " + faceWidthMin + ".."
                + faceWidthMax + " px wide, severities " + severities + "]";
    }

    /** Builds a {@link PhotoSpec}; every setter validates its own arguments, {@link #build()} the rest. */
    public static final class Builder {
        private static final long KB = 1024;

        private int width = 480;
        private int height = 640;
        private int densityDpi = 300;
        private int minQuality = 60;
        private long minFileBytes = 10 * KB;
        private long maxFileBytes = 60 * KB;
        private long typicalMinFileBytes = 20 * KB;
        private long typicalMaxFileBytes = 40 * KB;
        private List<BackgroundColour> backgrounds =
                List.of(BackgroundColour.LIGHT_BLUE, BackgroundColour.WHITE, BackgroundColour.LIGHT_GREY);
        private int backgroundTolerance = 40;
        private int eyeLineMin = 200;
        private int eyeLineMax = 300;
        private int faceWidthMin = 180;
        private int faceWidthMax = 300;
        private final Map<Check, Severity> severities = new EnumMap<>(Check.class);

        private Builder() {
            for (Check check : Check.values()) {
                severities.put(check, check.defaultSeverity());
            }
        }

        private Builder(PhotoSpec spec) {
            width = spec.width;
            height = spec.height;
            densityDpi = spec.densityDpi;
            minQuality = spec.minQuality;
            minFileBytes = spec.minFileBytes;
            maxFileBytes = spec.maxFileBytes;
            typicalMinFileBytes = spec.typicalMinFileBytes;
            typicalMaxFileBytes = spec.typicalMaxFileBytes;
            backgrounds = spec.backgrounds;
            backgroundTolerance = spec.backgroundTolerance;
            eyeLineMin = spec.eyeLineMin;
            eyeLineMax = spec.eyeLineMax;
            faceWidthMin = spec.faceWidthMin;
            faceWidthMax = spec.faceWidthMax;
            severities.putAll(spec.severities);
        }

        /** Required size in pixels, 1..10000 each. */
        public Builder size(int width, int height) {
            // The pixel checks decode photos of exactly this size; the cap keeps that decode small.
            if (width < 1 || height < 1 || width > 10_000 || height > 10_000) {
                throw new IllegalArgumentException("photo size must be 1..10000 px each, got " + width + "×" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** Required density in dots per inch, at least 1. */
        public Builder densityDpi(int dpi) {
            if (dpi < 1) {
                throw new IllegalArgumentException("density must be at least 1 dpi, got " + dpi);
            }
            this.densityDpi = dpi;
            return this;
        }

        /** Minimum estimated IJG quality, 1..100. */
        public Builder minQuality(int quality) {
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("quality must be 1..100, got " + quality);
            }
            this.minQuality = quality;
            return this;
        }

        /** Accepted file size range in bytes, inclusive. */
        public Builder fileSize(long minBytes, long maxBytes) {
            checkRange("file size", minBytes, maxBytes);
            // An int-sized cap: the inspector holds the whole file in one byte array.
            if (maxBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("largest file size must fit in a byte array, got " + maxBytes);
            }
            this.minFileBytes = minBytes;
            this.maxFileBytes = maxBytes;
            return this;
        }

        /** Typical file size range in bytes, inclusive. */
        public Builder typicalFileSize(long minBytes, long maxBytes) {
            checkRange("typical file size", minBytes, maxBytes);
            this.typicalMinFileBytes = minBytes;
            this.typicalMaxFileBytes = maxBytes;
            return this;
        }

        /** Allowed background colours, at least one. */
        public Builder backgrounds(List<BackgroundColour> colours) {
            if (colours.isEmpty()) {
                throw new IllegalArgumentException("at least one background colour must be allowed");
            }
            this.backgrounds = List.copyOf(colours);
            return this;
        }

        /** Largest Euclidean RGB distance from an allowed background colour, 0..442. */
        public Builder backgroundTolerance(int distance) {
            if (distance < 0 || distance > 442) {
                throw new IllegalArgumentException("background tolerance must be 0..442, got " + distance);
            }
            this.backgroundTolerance = distance;
            return this;
        }

        /** Allowed distance of the eye line from the top, in pixels, inclusive. */
        public Builder eyeLine(int minFromTop, int maxFromTop) {
            checkRange("eye line", minFromTop, maxFromTop);
            this.eyeLineMin = minFromTop;
            this.eyeLineMax = maxFromTop;
            return this;
        }

        /** Allowed face width in pixels, inclusive. */
        public Builder faceWidth(int min, int max) {
            checkRange("face width", min, max);
            this.faceWidthMin = min;
            this.faceWidthMax = max;
            return this;
        }

        /** Sets one check's severity; structural checks ({@link Check#relaxable()} false) stay ERROR. */
        public Builder severity(Check check, Severity severity) {
            Objects.requireNonNull(severity, "severity");
            if (!check.relaxable() && severity != Severity.ERROR) {
                throw new IllegalArgumentException("check " + check.id()
                        + " is structural: a photo that fails it cannot be inspected, so it is always ERROR");
            }
            severities.put(check, severity);
            return this;
        }

        /** The spec; fails if the typical file size range lies outside the accepted one. */
        public PhotoSpec build() {
            if (typicalMinFileBytes < minFileBytes || typicalMaxFileBytes > maxFileBytes) {
                throw new IllegalArgumentException("typical file size " + typicalMinFileBytes + ".."
                        + typicalMaxFileBytes + " must lie within the accepted " + minFileBytes + ".." + maxFileBytes);
            }
            return new PhotoSpec(this);
        }

        private static void checkRange(String what, long min, long max) {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException(what + " range must satisfy 0 <= min <= max, got " + min + ".." + max);
            }
        }
    }
}
