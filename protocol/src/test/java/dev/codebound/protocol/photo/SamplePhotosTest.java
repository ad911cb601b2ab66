package dev.codebound.protocol.photo;

import static dev.codebound.protocol.photo.TestJpegs.GOOD;
import static dev.codebound.protocol.photo.TestJpegs.SEED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.check.BackgroundCheck;
import dev.codebound.protocol.photo.check.BackgroundColour;
import dev.codebound.protocol.photo.check.Check;
import dev.codebound.protocol.photo.check.FaceGeometryCheck;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoReport;
import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.protocol.photo.jpeg.JpegHeader;
import dev.codebound.protocol.photo.jpeg.JpegHeaderParser;
import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.QualityEstimator;
import dev.codebound.protocol.photo.jpeg.Rgb;
import dev.codebound.testkit.SamplePhotos.Defect;
import dev.codebound.testkit.SamplePhotos;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The test kit's samples against the photo checks: the good ones pass, each defect fails its one check. */
class SamplePhotosTest {
    private static final PhotoInspector INSPECTOR = new PhotoInspector();

    @Test
    void sameSeedGivesTheSameBytes() {
        assertArrayEquals(GOOD, SamplePhotos.good(SEED));
        assertArrayEquals(SamplePhotos.bad(Defect.GRAYSCALE, 7), SamplePhotos.bad(Defect.GRAYSCALE, 7));
        assertFalse(Arrays.equals(GOOD, SamplePhotos.good(SEED + 1)));
    }

    @Test
    void goodSamplesMeetTheSpecWithoutAnyFinding() {
        for (long seed = 1; seed <= 3; seed++) {
            byte[] photo = SamplePhotos.good(seed);
            assertEquals(List.of(), INSPECTOR.inspect(photo).findings(), "seed " + seed);
            assertTrue(photo.length >= 20 * 1024 && photo.length <= 40 * 1024, photo.length + " bytes");
        }
        JpegHeader header = JpegHeaderParser.parse(GOOD);
        assertEquals(300, header.jfifDensity().xDpi());
        JpegHeader.QuantTable luminance = header.quantTables().get(0);
        assertEquals(85, QualityEstimator.estimate(luminance.values(), luminance.sixteenBit()));
    }

    @Test
    void goodSampleGeometryIsWhereTheGeneratorDrewIt() throws JpegDecoder.DecodeException {
        Pixels pixels = JpegDecoder.decode(GOOD);
        int background = BackgroundCheck.measure(pixels);
        assertTrue(BackgroundColour.LIGHT_BLUE.distanceTo(Rgb.red(background), Rgb.green(background),
                Rgb.blue(background)) < 5, Rgb.format(background));
        FaceGeometryCheck.HeadGeometry head = FaceGeometryCheck.measure(pixels, background);
        // Drawn: head ellipse rows 120..380, 216 px wide, eyes on row 250; the neck starts near row 368.
        assertTrue(Math.abs(head.top() - 120) <= 3, head::toString);
        assertTrue(Math.abs(head.eyeLine() - 250) <= 10, head::toString);
        assertTrue(Math.abs(head.faceWidth() - 216) <= 6, head::toString);
    }

    @ParameterizedTest
    @EnumSource(Defect.class)
    void eachDefectGivesExactlyItsExpectedError(Defect defect) {
        PhotoReport report = INSPECTOR.inspect(SamplePhotos.bad(defect, SEED));
        assertEquals(List.of(expectedError(defect)), report.errors().stream().map(Finding::check).toList(),
                report::toString);
        assertFalse(report.isAcceptable());
    }

    /** The one check that reports {@code defect} as an ERROR under {@link PhotoSpec#defaults()}. */
    private static Check expectedError(Defect defect) {
        return switch (defect) {
            case WRONG_SIZE -> Check.DIMENSIONS;
            case GRAYSCALE -> Check.COLOUR;
            case TOO_SMALL -> Check.FILE_SIZE;
            case LOW_QUALITY -> Check.QUALITY;
            case WRONG_BACKGROUND -> Check.BACKGROUND;
            case WRONG_DENSITY -> Check.DENSITY;
            case NOT_JPEG -> Check.FORMAT;
            case TRUNCATED -> Check.TRUNCATED;
        };
    }
}
