package dev.codebound.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.testkit.SamplePhotos.Defect;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** What the kit promises by itself; what the photo checks say about its samples is tested in the protocol. */
class SamplePhotosTest {
    private static final byte[] JPEG_START = {(byte) 0xFF, (byte) 0xD8};
    private static final byte[] PNG_START = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
        assertArrayEquals(SamplePhotos.good(5), SamplePhotos.good(5));
        assertArrayEquals(SamplePhotos.bad(Defect.GRAYSCALE, 7), SamplePhotos.bad(Defect.GRAYSCALE, 7));
        assertFalse(Arrays.equals(SamplePhotos.good(5), SamplePhotos.good(6)));
    }

    @Test
    void aGoodSampleIsAColourJpegOfThePassportSize() throws IOException {
        byte[] photo = SamplePhotos.good(1);
        assertArrayEquals(JPEG_START, Arrays.copyOf(photo, 2));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(photo));
        assertEquals(480, image.getWidth());
        assertEquals(640, image.getHeight());
        assertEquals(3, image.getColorModel().getNumColorComponents());
    }

    @Test
    void theBuilderDrawsWhatItIsAskedFor() throws IOException {
        BufferedImage wide = ImageIO.read(new ByteArrayInputStream(SamplePhotos.builder(1).size(600, 800).jpeg()));
        assertEquals(600, wide.getWidth());
        assertEquals(800, wide.getHeight());
        BufferedImage gray = ImageIO.read(new ByteArrayInputStream(SamplePhotos.bad(Defect.GRAYSCALE, 1)));
        assertEquals(1, gray.getColorModel().getNumColorComponents());
    }

    @Test
    void theFileDefectsAreWhatTheyNameOverTheSameGoodPortrait() {
        assertArrayEquals(PNG_START, Arrays.copyOf(SamplePhotos.bad(Defect.NOT_JPEG, 3), 4));
        byte[] whole = SamplePhotos.good(3);
        byte[] truncated = SamplePhotos.bad(Defect.TRUNCATED, 3);
        assertEquals(whole.length * 3 / 4, truncated.length);
        assertArrayEquals(Arrays.copyOf(whole, truncated.length), truncated);
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedWithTheRange() {
        IllegalArgumentException quality = assertThrows(IllegalArgumentException.class,
                () -> SamplePhotos.builder(1).quality(0));
        assertTrue(quality.getMessage().contains("1..100"), quality.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).size(0, 640));
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).background(256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).densityDpi(-1));
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).noise(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).blur(51));
        assertThrows(IllegalArgumentException.class, () -> SamplePhotos.builder(1).head(250, 3, 260));
    }
}
