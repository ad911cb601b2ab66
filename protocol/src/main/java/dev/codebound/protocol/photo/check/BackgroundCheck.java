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

    /**
     * The border strips' median colours: all three strips' together ({@link #background}, 0xRRGGBB), and
     * each strip's.
     */
    record Strips(int background, List<PhotoMeasurements.BackgroundSample> samples) {}

    /** Checks the background and returns the strips' colours; the overall one is for the geometry check. */
    static Strips check(Pixels pixels, Findings findings) {
        Strips strips = strips(pixels);
        int background = strips.background();
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
        return strips;
    }

    /** The per-channel median colour of the border strips, as 0xRRGGBB. */
    public static int measure(Pixels pixels) {
        return strips(pixels).background();
    }

    /**
     * The top strip and the two side strips, each with its own median colour, and the median of all
     * three: one pass over the strips' pixels, whose histograms add up to the whole border's.
     */
    static Strips strips(Pixels pixels) {
        int topRows = Math.min(TOP_ROWS, pixels.height());
        int sideColumns = Math.min(SIDE_COLUMNS, pixels.width() / 2);
        int sideRows = Math.max(0, pixels.height() / 2 - topRows);
        PhotoMeasurements.Region[] regions = {
            new PhotoMeasurements.Region(0, 0, pixels.width(), topRows),
            new PhotoMeasurements.Region(0, topRows, sideColumns, sideRows),
            new PhotoMeasurements.Region(pixels.width() - sideColumns, topRows, sideColumns, sideRows)};
        String[] names = {"top", "left", "right"};
        int[][] all = new int[3][256];
        int allCount = 0;
        PhotoMeasurements.BackgroundSample[] samples = new PhotoMeasurements.BackgroundSample[regions.length];
        for (int i = 0; i < regions.length; i++) {
            PhotoMeasurements.Region region = regions[i];
            int[][] histograms = histograms(pixels, region);
            int count = region.width() * region.height();
            int colour = count == 0 ? 0 : Rgb.pack(median(histograms[0], count), median(histograms[1], count),
                    median(histograms[2], count));
            samples[i] = new PhotoMeasurements.BackgroundSample(names[i], region, colour);
            for (int channel = 0; channel < 3; channel++) {
                for (int value = 0; value < 256; value++) {
                    all[channel][value] += histograms[channel][value];
                }
            }
            allCount += count;
        }
        return new Strips(Rgb.pack(median(all[0], allCount), median(all[1], allCount), median(all[2], allCount)),
                List.of(samples));
    }

    /** Per-channel histograms of a region, read straight from the RGB rows (three bytes a pixel). */
    private static int[][] histograms(Pixels pixels, PhotoMeasurements.Region region) {
        int[] red = new int[256];
        int[] green = new int[256];
        int[] blue = new int[256];
        byte[] rgb = pixels.rgb();
        for (int y = region.y(); y < region.y() + region.height(); y++) {
            int end = 3 * (y * pixels.width() + region.x() + region.width());
            for (int b = 3 * (y * pixels.width() + region.x()); b < end; b += 3) {
                red[rgb[b] & 0xFF]++;
                green[rgb[b + 1] & 0xFF]++;
                blue[rgb[b + 2] & 0xFF]++;
            }
        }
        return new int[][] {red, green, blue};
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
