package dev.codebound.protocol.photo.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.TestJpegs;
import dev.codebound.protocol.photo.check.PhotoFindingsVectorGenerator;
import dev.codebound.testkit.SamplePhotos;
import dev.codebound.testkit.SamplePhotos.Defect;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The decoder's pixels are exactly getRGB's of ImageIO's own decode, whichever way it reads them. */
class JpegDecoderTest {
    @Test
    void packedPixelsEqualGetRgbForEveryDecodableCorpusPhoto() throws IOException {
        int fastPath = 0;
        int converted = 0;
        for (Map.Entry<String, byte[]> photo : PhotoFindingsVectorGenerator.corpus().entrySet()) {
            BufferedImage image;
            try {
                image = ImageIO.read(new ByteArrayInputStream(photo.getValue()));
            } catch (IOException | RuntimeException e) {
                continue; // undecodable: nothing to compare
            }
            if (image == null) {
                continue;
            }
            int width = image.getWidth();
            int[] expected = image.getRGB(0, 0, width, image.getHeight(), null, 0, width);
            for (int i = 0; i < expected.length; i++) {
                expected[i] &= 0xFFFFFF;
            }
            assertArrayEquals(expected, packed(JpegDecoder.pixels(image)), photo.getKey());
            Pixels decoded;
            try {
                decoded = JpegDecoder.decode(photo.getValue());
            } catch (JpegDecoder.DecodeException e) {
                continue; // damaged: ImageIO.read decoded it with a warning, which decode refuses
            }
            // decode() reads a TYPE_3BYTE_BGR photo into an RGB raster of its own: the same pixels.
            assertArrayEquals(expected, packed(decoded), photo.getKey());
            if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
                fastPath++;
            } else {
                converted++;
            }
        }
        assertTrue(fastPath > 50, fastPath + " photos read straight from the raster");
        assertTrue(converted >= 3, converted + " photos (grayscale, ICC profiles) converted by getRGB");
    }

    private static int[] packed(Pixels pixels) {
        int[] packed = new int[pixels.width() * pixels.height()];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = pixels.at(i);
        }
        return packed;
    }

    @Test
    void decodedPixelsEqualGetRgbForManySamplePhotos() throws Exception {
        List<Defect> decodable = List.of(Defect.WRONG_SIZE, Defect.GRAYSCALE, Defect.TOO_SMALL, Defect.LOW_QUALITY,
                Defect.WRONG_BACKGROUND, Defect.WRONG_DENSITY);
        for (long seed = 1; seed <= 60; seed++) {
            byte[] photo = seed % 3 == 0 ? SamplePhotos.bad(decodable.get((int) (seed / 3) % decodable.size()), seed)
                    : SamplePhotos.good(seed);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(photo));
            int width = image.getWidth();
            int[] expected = image.getRGB(0, 0, width, image.getHeight(), null, 0, width);
            for (int i = 0; i < expected.length; i++) {
                expected[i] &= 0xFFFFFF;
            }
            assertArrayEquals(expected, packed(JpegDecoder.decode(photo)), "seed " + seed);
        }
    }

    @Test
    void aSpecPhotoDecodesToTheLayoutReadStraightFromTheRaster() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(TestJpegs.GOOD));
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, image.getType());
        Pixels pixels = JpegDecoder.decode(TestJpegs.GOOD);
        assertEquals(3 * 480 * 640, pixels.rgb().length);
    }

    @Test
    void aLibjpegWarningFailsTheDecode() {
        byte[] corrupt = TestJpegs.patch(TestJpegs.GOOD, TestJpegs.GOOD.length / 2, 0xFF, 0xD5);
        JpegDecoder.DecodeException e = assertThrows(JpegDecoder.DecodeException.class, () -> JpegDecoder.decode(corrupt));
        assertTrue(e.getMessage().startsWith("Corrupt JPEG data"), e.getMessage());
    }
}
