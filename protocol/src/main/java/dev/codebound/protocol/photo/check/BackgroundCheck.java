package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.Rgb;
import java.util.List;

/**
 * Measures the background colour and checks it against the allowed ones (BACKGROUND).
 *
 * <p>The background is sampled where a correctly framed portrait has no person: the top
 * {@value #TOP_ROWS} rows across the full width, and the outer {@value #SIDE_COLUMNS} columns on each
 * side down to half the height (below that the shoulders reach the edges). Its colour is the
 * per-channel median of those pixels, so a strand of hair or a shadow in the strips does not move it.
 * It passes if its Euclidean RGB distance to the nearest allowed colour is at most the spec's tolerance.
 */
public final class BackgroundCheck {
    static final int TOP_ROWS = 40;
    static final int SIDE_COLUMNS = 30;

    private BackgroundCheck() {
    }

    /** Checks the background and returns its measured colour (0xRRGGBB) for the geometry check. */
    static int check(Pixels pixels, Findings findings) {
        int background = measure(pixels);
        PhotoSpec spec = findings.spec();
        BackgroundColour nearest = null;
        double nearestDistance = Double.MAX_VALUE;
        for (BackgroundColour allowed : spec.backgrounds()) {
            double distance = allowed.distanceTo(Rgb.red(background), Rgb.green(background), Rgb.blue(background));
            if (distance < nearestDistance) {
                nearestDistance = distance;
                nearest = allowed;
            }
        }
        if (nearestDistance > spec.backgroundTolerance()) {
            findings.fail(Check.BACKGROUND, "background is " + Rgb.format(background) + ", "
                    + Math.round(nearestDistance) + " from the nearest allowed colour (" + nearest
                    + "); must be within " + spec.backgroundTolerance() + " of " + joinOr(spec.backgrounds()));
        }
        return background;
    }

    /** The per-channel median colour of the border strips, as 0xRRGGBB. */
    public static int measure(Pixels pixels) {
        int[][] histograms = new int[3][256];
        int topRows = Math.min(TOP_ROWS, pixels.height());
        int sideColumns = Math.min(SIDE_COLUMNS, pixels.width() / 2);
        int count = 0;
        for (int y = 0; y < topRows; y++) {
            for (int x = 0; x < pixels.width(); x++) {
                add(histograms, pixels.at(x, y));
                count++;
            }
        }
        for (int y = topRows; y < pixels.height() / 2; y++) {
            for (int i = 0; i < sideColumns; i++) {
                add(histograms, pixels.at(i, y));
                add(histograms, pixels.at(pixels.width() - 1 - i, y));
                count += 2;
            }
        }
        return Rgb.pack(median(histograms[0], count), median(histograms[1], count), median(histograms[2], count));
    }

    /** The top strip and the two side strips, each with its own median colour. */
    static List<PhotoMeasurements.BackgroundSample> samples(Pixels pixels) {
        int topRows = Math.min(TOP_ROWS, pixels.height());
        int sideColumns = Math.min(SIDE_COLUMNS, pixels.width() / 2);
        int sideRows = Math.max(0, pixels.height() / 2 - topRows);
        return List.of(sample(pixels, "top", new PhotoMeasurements.Region(0, 0, pixels.width(), topRows)),
                sample(pixels, "left", new PhotoMeasurements.Region(0, topRows, sideColumns, sideRows)),
                sample(pixels, "right", new PhotoMeasurements.Region(pixels.width() - sideColumns, topRows,
                        sideColumns, sideRows)));
    }

    private static PhotoMeasurements.BackgroundSample sample(Pixels pixels, String name,
            PhotoMeasurements.Region region) {
        int[][] histograms = new int[3][256];
        for (int y = region.y(); y < region.y() + region.height(); y++) {
            for (int x = region.x(); x < region.x() + region.width(); x++) {
                add(histograms, pixels.at(x, y));
            }
        }
        int count = region.width() * region.height();
        int colour = count == 0 ? 0 : Rgb.pack(median(histograms[0], count), median(histograms[1], count),
                median(histograms[2], count));
        return new PhotoMeasurements.BackgroundSample(name, region, colour);
    }

    private static void add(int[][] histograms, int rgb) {
        histograms[0][Rgb.red(rgb)]++;
        histograms[1][Rgb.green(rgb)]++;
        histograms[2][Rgb.blue(rgb)]++;
    }

    private static int median(int[] histogram, int count) {
        int seen = 0;
        for (int value = 0; value < 256; value++) {
            seen += histogram[value];
            if (2 * seen > count) {
                return value;
            }
        }
        return 255;
    }

    private static String joinOr(List<BackgroundColour> colours) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < colours.size(); i++) {
            if (i > 0) {
                text.append(i == colours.size() - 1 ? " or " : ", ");
            }
            text.append(colours.get(i));
        }
        return text.toString();
    }
}
