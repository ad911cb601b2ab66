package dev.codebound.protocol.photo.jpeg;

import static dev.codebound.protocol.photo.TestJpegs.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.jpeg.JpegHeader.QuantTable;
import dev.codebound.testkit.SamplePhotos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QualityEstimatorTest {
    @ParameterizedTest
    @ValueSource(ints = {50, 75, 95})
    void estimatesTheQualityImageIoWroteWithinFive(int quality) {
        byte[] jpeg = SamplePhotos.builder(SEED).quality(quality).jpeg();
        QuantTable luminance = JpegHeaderParser.parse(jpeg).quantTables().get(0);
        int estimate = QualityEstimator.estimate(luminance.values(), luminance.sixteenBit());
        assertTrue(Math.abs(estimate - quality) <= 5, "estimated " + estimate + " for quality " + quality);
    }

    @Test
    void recoversEveryIjgQualityExactly() {
        for (int quality = 1; quality <= 100; quality++) {
            assertEquals(quality, QualityEstimator.estimate(QualityEstimator.ijgTable(quality, false), false));
            assertEquals(quality, QualityEstimator.estimate(QualityEstimator.ijgTable(quality, true), true));
        }
    }

    @Test
    void findsTheNearestQualityForForeignTables() {
        int[] table = QualityEstimator.ijgTable(80, false);
        table[0] += 3;
        table[63] -= 2;
        assertEquals(80, QualityEstimator.estimate(table, false));
    }
}
