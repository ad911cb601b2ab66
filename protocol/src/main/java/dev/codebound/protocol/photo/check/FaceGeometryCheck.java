package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.Rgb;

/**
 * Estimates where the eyes are and how wide the face is, and checks both against the spec (EYE_LINE,
 * FACE_WIDTH). This is a <b>heuristic on the outline of the person</b>, not face detection: it finds
 * no eyes and no face, and is fooled by hair, hats, raised hands or a background-coloured shirt. That
 * is why both checks are WARNING by default.
 *
 * <p>The method, on a photo whose background colour has been measured by {@link BackgroundCheck}:
 * <ol>
 *   <li><b>Foreground</b>: a pixel belongs to the person if its RGB distance from the background
 *       colour exceeds {@value #FOREGROUND_DISTANCE} (above JPEG and sensor noise, below the distance
 *       of skin or hair from any allowed background).</li>
 *   <li><b>Top of head</b>: the first row with at least {@value #MIN_ROW_PIXELS} foreground pixels
 *       (fewer are specks). The outline starts at the mean column of the foreground in the
 *       {@value #CENTRE_ROWS} rows from there.</li>
 *   <li><b>Width profile</b>: the outline is followed downwards from there: in each row, the
 *       leftmost and rightmost foreground pixels no further than {@value #REACH} px outside the previous
 *       row's edges. Holes inside the outline (eyes, glasses and highlights can match the background) do
 *       not matter, and a speck elsewhere in the row is never reached.</li>
 *   <li><b>Chin</b>: walking down, the width grows to the head's widest row; once it falls below
 *       {@value #NARROWING} of that, the walk follows the jaw into the neck until the width rises above
 *       {@value #SHOULDERS} × the narrowest width seen (the shoulders) or drops below
 *       {@value #VANISHED} of the head width (the person ends, e.g. a white shirt on white). The chin is
 *       the first row within 10 % (+2 px) of the narrowest width, i.e. where the neck begins.</li>
 *   <li><b>Eye line</b>: top of head + {@value #EYE_FRACTION} × (chin − top of head). In the classical
 *       proportions of an adult head the eyes lie halfway between the crown and the chin; hair standing
 *       above the crown moves the estimate up by half its height.</li>
 *   <li><b>Face width</b>: the width of the profile at the eye line, ears and hair included where
 *       they stand out from the background.</li>
 * </ol>
 */
public final class FaceGeometryCheck {
    static final int FOREGROUND_DISTANCE = 45;
    static final int MIN_ROW_PIXELS = 8;
    static final int CENTRE_ROWS = 20;
    static final int REACH = 12;
    static final double NARROWING = 0.8;
    static final double SHOULDERS = 1.3;
    static final double VANISHED = 0.25;
    static final double EYE_FRACTION = 0.5;

    private FaceGeometryCheck() {
    }

    /**
     * The estimated geometry, in pixels from the top and left edges.
     *
     * @param top       the first row of the person (top of the head or hair), or -1
     * @param chin      the row where the neck begins, or -1
     * @param eyeLine   the estimated eye line's row, or -1
     * @param faceWidth the outline's width at the eye line, or -1
     * @param problem   why no estimate could be made, or null if the other fields hold one
     */
    public record HeadGeometry(int top, int chin, int eyeLine, int faceWidth, String problem) {
        static HeadGeometry unknown(String problem) {
            return new HeadGeometry(-1, -1, -1, -1, problem);
        }
    }

    /** Checks the eye line and face width; returns the estimate with the face's left edge, for the report. */
    static PhotoMeasurements.Head check(Pixels pixels, int background, Findings findings) {
        PhotoSpec spec = findings.spec();
        String eyeRange = spec.eyeLineMin() + "–" + spec.eyeLineMax() + " px";
        String faceRange = spec.faceWidthMin() + "–" + spec.faceWidthMax() + " px";
        Located located = locate(pixels, background);
        HeadGeometry head = located.geometry();
        PhotoMeasurements.Head measured = new PhotoMeasurements.Head(head.top(), head.chin(), head.eyeLine(),
                located.faceLeft(), head.faceWidth(), head.problem());
        if (head.problem() != null) {
            findings.fail(Check.EYE_LINE, head.problem() + "; cannot estimate the eye line (must be " + eyeRange
                    + " from the top)");
            findings.fail(Check.FACE_WIDTH, head.problem() + "; cannot estimate the face width (must be "
                    + faceRange + ")");
            return measured;
        }
        if (head.eyeLine() < spec.eyeLineMin() || head.eyeLine() > spec.eyeLineMax()) {
            findings.fail(Check.EYE_LINE, "eyes are about " + head.eyeLine()
                    + " px from the top (heuristic estimate); must be " + eyeRange);
        }
        if (head.faceWidth() < spec.faceWidthMin() || head.faceWidth() > spec.faceWidthMax()) {
            findings.fail(Check.FACE_WIDTH, "face is about " + head.faceWidth()
                    + " px wide (heuristic estimate); must be " + faceRange);
        }
        return measured;
    }

    /** Estimates the head's geometry against the measured {@code background} colour (0xRRGGBB). */
    public static HeadGeometry measure(Pixels pixels, int background) {
        return locate(pixels, background).geometry();
    }

    /** An estimate and the leftmost column of the outline at its eye line (-1 without an estimate). */
    private record Located(HeadGeometry geometry, int faceLeft) {
        static Located unknown(String problem) {
            return new Located(HeadGeometry.unknown(problem), -1);
        }
    }

    private static Located locate(Pixels pixels, int background) {
        int width = pixels.width();
        int height = pixels.height();
        // Tested where the walk looks rather than over the whole image: the walk visits the rows above
        // the head and a band around the outline, a fraction of the pixels.
        Foreground foreground = new Foreground(pixels, background);
        int top = -1;
        for (int y = 0; y < height && top < 0; y++) {
            int count = 0;
            for (int x = 0; x < width; x++) {
                if (foreground.at(y * width + x)) {
                    count++;
                }
            }
            if (count >= MIN_ROW_PIXELS) {
                top = y;
            }
        }
        if (top < 0) {
            return Located.unknown("found no head against the background");
        }
        int centre = centreColumn(foreground, width, Math.min(height, top + CENTRE_ROWS), top);
        int[] lefts = new int[height];
        int[] profile = outlineWidths(foreground, width, height, top, centre, lefts);
        int chin = chin(profile, top);
        if (chin < 0) {
            return Located.unknown("found no chin (the outline below the head does not narrow into a neck)");
        }
        int eyeLine = top + (int) Math.round(EYE_FRACTION * (chin - top));
        return new Located(new HeadGeometry(top, chin, eyeLine, profile[eyeLine], null), lefts[eyeLine]);
    }

    /** Whether a pixel belongs to the person: its RGB distance from the background exceeds the limit. */
    private static final class Foreground {
        private static final int LIMIT = FOREGROUND_DISTANCE * FOREGROUND_DISTANCE;
        private final byte[] rgb;
        private final int red;
        private final int green;
        private final int blue;

        Foreground(Pixels pixels, int background) {
            this.rgb = pixels.rgb();
            this.red = Rgb.red(background);
            this.green = Rgb.green(background);
            this.blue = Rgb.blue(background);
        }

        boolean at(int index) {
            int b = 3 * index;
            int dr = (rgb[b] & 0xFF) - red;
            int dg = (rgb[b + 1] & 0xFF) - green;
            int db = (rgb[b + 2] & 0xFF) - blue;
            return dr * dr + dg * dg + db * db > LIMIT;
        }
    }

    private static int centreColumn(Foreground foreground, int width, int endRow, int top) {
        long sum = 0;
        long count = 0;
        for (int y = top; y < endRow; y++) {
            for (int x = 0; x < width; x++) {
                if (foreground.at(y * width + x)) {
                    sum += x;
                    count++;
                }
            }
        }
        return (int) (sum / count);
    }

    /**
     * The outline's width in each row from {@code top} down (see the class comment); 0 where it is lost.
     * Each row's leftmost column goes into {@code lefts}.
     */
    private static int[] outlineWidths(Foreground foreground, int width, int height, int top, int centre,
            int[] lefts) {
        int[] profile = new int[height];
        int left = centre;
        int right = centre;
        for (int y = top; y < height; y++) {
            int row = y * width;
            int from = Math.max(0, left - REACH);
            int to = Math.min(width - 1, right + REACH);
            int newLeft = from;
            while (newLeft <= to && !foreground.at(row + newLeft)) {
                newLeft++;
            }
            if (newLeft > to) {
                break; // the person ends here (or turns background-coloured, e.g. a white shirt on white)
            }
            int newRight = to;
            while (!foreground.at(row + newRight)) {
                newRight--;
            }
            left = newLeft;
            right = newRight;
            profile[y] = right - left + 1;
            lefts[y] = left;
        }
        return profile;
    }

    /** The chin row from the width profile (see the class comment), or -1 if the head never narrows. */
    private static int chin(int[] profile, int top) {
        int height = profile.length;
        int y = top;
        int headWidth = 0;
        for (; y < height; y++) {
            if (profile[y] > headWidth) {
                headWidth = profile[y];
            } else if (profile[y] < NARROWING * headWidth) {
                break;
            }
        }
        int narrowingStart = y;
        if (narrowingStart >= height) {
            return -1;
        }
        int neckWidth = Integer.MAX_VALUE;
        for (; y < height; y++) {
            if (profile[y] < VANISHED * headWidth || profile[y] > SHOULDERS * neckWidth) {
                break;
            }
            neckWidth = Math.min(neckWidth, profile[y]);
        }
        if (neckWidth == Integer.MAX_VALUE) {
            return narrowingStart; // the person ends right below the jaw: no neck to follow
        }
        int row = narrowingStart;
        while (profile[row] > neckWidth * 1.1 + 2) {
            row++; // stops at the latest on the narrowest row, which qualifies
        }
        return row;
    }
}
