package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.JpegHeader.Density;
import dev.codebound.protocol.photo.jpeg.JpegHeader;

/** Checks the declared density (DENSITY) and that there is one (DENSITY_MISSING). */
final class DensityCheck {
    private DensityCheck() {
    }

    static void check(JpegHeader header, Findings findings) {
        int required = findings.spec().densityDpi();
        Density density = header.density();
        if (density == null) {
            findings.fail(Check.DENSITY_MISSING, "photo declares no density (no JFIF or Exif resolution); must be "
                    + required + " dpi");
            return;
        }
        // Rounding accepts 118 dots per cm (299.7 dpi), the nearest metric value to 300 dpi.
        long x = Math.round(density.xDpi());
        long y = Math.round(density.yDpi());
        if (x != required || y != required) {
            String declared = x == y ? Long.toString(x) : x + "×" + y;
            findings.fail(Check.DENSITY, density.source() + " density is " + declared + " dpi; must be "
                    + required + " dpi");
        }
    }
}
