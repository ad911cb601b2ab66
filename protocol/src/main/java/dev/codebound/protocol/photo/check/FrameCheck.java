package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.JpegHeader.Frame;
import dev.codebound.protocol.photo.jpeg.JpegHeaderParser;

/** Checks the frame header: coding process (CODING), size (DIMENSIONS) and 24-bit colour (COLOUR). */
final class FrameCheck {
    private static final String COLOUR_EXPECTED = "must be 24-bit colour (3 components of 8 bits)";

    private FrameCheck() {
    }

    /**
     * Returns whether the frame is one the pixel checks can decode and measure: baseline or progressive,
     * 3 components of 8 bits, exactly the spec's size (whatever the severities of these checks).
     */
    static boolean check(Frame frame, Findings findings) {
        PhotoSpec spec = findings.spec();
        boolean coding = frame.baseline() || frame.progressive();
        if (!coding) {
            findings.fail(Check.CODING, "photo uses " + frame.codingName() + " coding ("
                    + JpegHeaderParser.markerName(frame.marker()) + "); must be baseline (SOF0) or progressive (SOF2)");
        }
        boolean size = frame.width() == spec.width() && frame.height() == spec.height();
        if (!size) {
            findings.fail(Check.DIMENSIONS, "photo is " + frame.width() + "×" + frame.height() + "; must be "
                    + spec.width() + "×" + spec.height());
        }
        int components = frame.components().size();
        boolean colour = components == 3 && frame.precision() == 8;
        if (components != 3) {
            findings.fail(Check.COLOUR, "photo " + describeComponents(components) + "; " + COLOUR_EXPECTED);
        } else if (frame.precision() != 8) {
            findings.fail(Check.COLOUR, "photo has " + frame.precision() + "-bit samples; " + COLOUR_EXPECTED);
        }
        return coding && size && colour;
    }

    private static String describeComponents(int components) {
        return switch (components) {
            case 1 -> "is grayscale (1 component)";
            case 4 -> "has 4 components (CMYK)";
            default -> "has " + components + " components";
        };
    }
}
