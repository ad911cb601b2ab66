package dev.codebound.protocol.photo.check;

import java.util.List;
import java.util.Objects;

/**
 * What the pixel checks measured on a photo, in pixels from its top-left corner: the data behind
 * the BACKGROUND, EYE_LINE and FACE_WIDTH findings, so that a station can draw them over the photo.
 * Which of those checks failed is in the report's findings: BACKGROUND concerns
 * {@link #backgroundSamples()}, EYE_LINE {@link Head#eyeLine()}, FACE_WIDTH the face box.
 *
 * @param width             the photo's width
 * @param height            the photo's height
 * @param background        the measured background colour, 0xRRGGBB (the median over all samples)
 * @param backgroundSamples the strips the background was sampled from, each with its own median colour
 * @param head              the head estimate
 */
public record PhotoMeasurements(int width, int height, int background, List<BackgroundSample> backgroundSamples,
        Head head) {
    /** Validates and copies. */
    public PhotoMeasurements {
        backgroundSamples = List.copyOf(backgroundSamples);
        Objects.requireNonNull(head, "head");
    }

    /**
     * A rectangle of the photo.
     *
     * @param x      left column
     * @param y      top row
     * @param width  columns
     * @param height rows
     */
    public record Region(int x, int y, int width, int height) {}

    /**
     * One strip where a correctly framed portrait has no person.
     *
     * @param name   {@code top}, {@code left} or {@code right}
     * @param region where it lies
     * @param colour the median colour of its pixels, 0xRRGGBB
     */
    public record BackgroundSample(String name, Region region, int colour) {}

    /**
     * The heuristic head estimate (see {@link FaceGeometryCheck}); -1 in every number when none
     * could be made.
     *
     * @param top       the first row of the person
     * @param chin      the row where the neck begins
     * @param eyeLine   the estimated eye line's row
     * @param faceLeft  the leftmost column of the outline at the eye line
     * @param faceWidth the outline's width at the eye line
     * @param problem   why no estimate could be made, or {@code null}
     */
    public record Head(int top, int chin, int eyeLine, int faceLeft, int faceWidth, String problem) {
        /** The face box: from the top of the head to the chin, as wide as the face at the eye line. */
        public Region faceBox() {
            return problem != null ? null : new Region(faceLeft, top, faceWidth, chin - top);
        }
    }
}
