package dev.codebound.protocol.photo.jpeg;

import static dev.codebound.protocol.photo.TestJpegs.GOOD;
import static dev.codebound.protocol.photo.TestJpegs.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.TestJpegs;
import dev.codebound.protocol.photo.jpeg.JpegHeader.Density;
import dev.codebound.protocol.photo.jpeg.JpegHeader.Frame;
import dev.codebound.testkit.SamplePhotos;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JpegHeaderParserTest {
    @Test
    void readsTheFrameTablesAndDensityOfAGoodSample() {
        JpegHeader header = JpegHeaderParser.parse(GOOD);
        assertTrue(header.jpeg());
        assertTrue(header.scanSeen());
        assertTrue(header.endOfImage());
        assertNull(header.truncation());
        assertNull(header.corruption());
        Frame frame = header.frame();
        assertEquals(0xC0, frame.marker());
        assertTrue(frame.baseline());
        assertEquals(480, frame.width());
        assertEquals(640, frame.height());
        assertEquals(8, frame.precision());
        assertEquals(List.of(0, 1, 1), frame.components().stream().map(JpegHeader.Component::quantTable).toList());
        assertEquals(2, header.quantTables().size());
        assertEquals(new Density("JFIF", 300, 300), header.density());
        assertNull(header.exifDensity());
    }

    @Test
    void recognisesProgressiveFramesAndReadsAllTheirScans() {
        JpegHeader header = JpegHeaderParser.parse(SamplePhotos.builder(SEED).progressive().jpeg());
        assertTrue(header.frame().progressive());
        assertTrue(header.endOfImage());
    }

    @Test
    void readsExifResolutionInBothByteOrders() {
        byte[] bare = TestJpegs.withoutJfif(GOOD);
        byte[] bigEndian = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(300, 1, 2, ByteOrder.BIG_ENDIAN));
        assertEquals(new Density("Exif", 300, 300), JpegHeaderParser.parse(bigEndian).density());
        byte[] cm = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(100, 1, 3, ByteOrder.LITTLE_ENDIAN));
        assertEquals(254, JpegHeaderParser.parse(cm).density().xDpi(), 1e-9);
        // ResolutionUnit 1 means "no unit": no density
        byte[] noUnit = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(300, 1, 1, ByteOrder.BIG_ENDIAN));
        assertNull(JpegHeaderParser.parse(noUnit).density());
        byte[] zeroDenominator = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(300, 0, 2, ByteOrder.BIG_ENDIAN));
        assertNull(JpegHeaderParser.parse(zeroDenominator).density());
    }

    @Test
    void prefersJfifDensityOverExif() {
        byte[] both = TestJpegs.splice(GOOD, TestJpegs.segmentOffset(GOOD, 0xDB), 0,
                TestJpegs.exifSegment(72, 1, 2, ByteOrder.BIG_ENDIAN));
        JpegHeader header = JpegHeaderParser.parse(both);
        assertEquals("JFIF", header.density().source());
        assertEquals(72, header.exifDensity().xDpi(), 1e-9);
    }

    @Test
    void saysWhereATruncatedFileEnds() {
        int dqt = TestJpegs.segmentOffset(GOOD, 0xDB);
        assertEquals("inside the DQT segment at byte " + dqt,
                JpegHeaderParser.parse(Arrays.copyOf(GOOD, dqt + 10)).truncation());
        assertEquals("after the last complete segment", JpegHeaderParser.parse(Arrays.copyOf(GOOD, dqt)).truncation());
        assertEquals("inside the image data",
                JpegHeaderParser.parse(Arrays.copyOf(GOOD, TestJpegs.scanDataOffset(GOOD) + 100)).truncation());
        JpegHeader cutInData = JpegHeaderParser.parse(Arrays.copyOf(GOOD, GOOD.length - 1));
        assertFalse(cutInData.endOfImage());
        assertEquals(480, cutInData.frame().width(), "what was read before the cut is kept");
    }

    @Test
    void reportsStructuralCorruption() {
        int sof = TestJpegs.segmentOffset(GOOD, 0xC0);
        assertEquals("the SOF0 segment at byte " + sof + " has invalid length 1",
                JpegHeaderParser.parse(TestJpegs.patch(GOOD, sof + 2, 0, 1)).corruption());
        int sos = TestJpegs.segmentOffset(GOOD, 0xDA);
        byte[] sosFirst = TestJpegs.splice(GOOD, sof, sos - sof, new byte[0]);
        assertEquals("it has no frame header (SOF)", JpegHeaderParser.parse(
                new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}).corruption());
        assertTrue(JpegHeaderParser.parse(sosFirst).corruption().startsWith("image data (SOS) at byte "),
                () -> JpegHeaderParser.parse(sosFirst).corruption());
    }

    @Test
    void recognisesTheJpegSignature() {
        assertTrue(JpegHeaderParser.looksLikeJpeg(GOOD));
        assertFalse(JpegHeaderParser.looksLikeJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8}));
        assertFalse(JpegHeaderParser.parse("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).jpeg());
    }
}
