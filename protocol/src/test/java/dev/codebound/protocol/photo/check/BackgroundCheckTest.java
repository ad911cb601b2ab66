package dev.codebound.protocol.photo.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.Rgb;
import dev.codebound.testkit.SamplePhotos;
import dev.codebound.testkit.SamplePhotos.Defect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-pass strip colours are the medians a pixel-by-pixel count of each strip gives. */
class BackgroundCheckTest {
    @Test
    void eachStripAndTheWholeBorderHaveTheMedianColoursOfTheirPixels() throws Exception {
        List<byte[]> photos = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            photos.add(SamplePhotos.good(seed));
        }
        for (Defect defect : Defect.values()) {
            photos.add(SamplePhotos.bad(defect, 7));
        }
        for (byte[] photo : photos) {
            Pixels pixels;
            try {
                pixels = JpegDecoder.decode(photo);
            } catch (JpegDecoder.DecodeException notAPhotoToMeasure) {
                continue;
            }
            BackgroundCheck.Strips strips = BackgroundCheck.strips(pixels);
            List<int[]> border = new ArrayList<>();
            for (PhotoMeasurements.BackgroundSample sample : strips.samples()) {
                List<int[]> strip = pixelsOf(pixels, sample.region());
                assertEquals(strip.isEmpty() ? 0 : median(strip), sample.colour(), sample.name());
                border.addAll(strip);
            }
            assertEquals(List.of("top", "left", "right"), strips.samples().stream()
                    .map(PhotoMeasurements.BackgroundSample::name).toList());
            assertEquals(median(border), strips.background());
            assertEquals(strips.background(), BackgroundCheck.measure(pixels));
        }
    }

    private static List<int[]> pixelsOf(Pixels pixels, PhotoMeasurements.Region region) {
        List<int[]> strip = new ArrayList<>();
        for (int y = region.y(); y < region.y() + region.height(); y++) {
            for (int x = region.x(); x < region.x() + region.width(); x++) {
                int rgb = pixels.at(x, y);
                strip.add(new int[] {Rgb.red(rgb), Rgb.green(rgb), Rgb.blue(rgb)});
            }
        }
        return strip;
    }

    /** The per-channel lower median: the value at index size / 2 of each sorted channel. */
    private static int median(List<int[]> pixels) {
        int[] colour = new int[3];
        for (int channel = 0; channel < 3; channel++) {
            int c = channel;
            List<Integer> values = new ArrayList<>(pixels.stream().map(p -> p[c]).sorted().toList());
            colour[channel] = values.get(values.size() / 2);
        }
        return Rgb.pack(colour[0], colour[1], colour[2]);
    }
}
