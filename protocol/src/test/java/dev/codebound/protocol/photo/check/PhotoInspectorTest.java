package dev.codebound.protocol.photo.check;

import static dev.codebound.protocol.photo.TestJpegs.GOOD;
import static dev.codebound.protocol.photo.TestJpegs.SEED;
import static dev.codebound.protocol.photo.TestJpegs.kb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.TestJpegs;
import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.Rgb;
import dev.codebound.testkit.SamplePhotos.Defect;
import dev.codebound.testkit.SamplePhotos;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each check with a photo that passes it and one that fails it, asserting the exact message. */
class PhotoInspectorTest {
    private static final PhotoInspector INSPECTOR = new PhotoInspector();

    private static List<Finding> findings(byte[] photo) {
        return INSPECTOR.inspect(photo).findings();
    }

    private static Finding error(Check check, String message) {
        return new Finding(check, Severity.ERROR, message);
    }

    private static Finding warning(Check check, String message) {
        return new Finding(check, Severity.WARNING, message);
    }

    @Test
    void goodSampleHasNoFindings() {
        PhotoReport report = INSPECTOR.inspect(GOOD);
        assertEquals(List.of(), report.findings());
        assertTrue(report.isAcceptable());
        assertFalse(report.hasErrors());
        assertEquals("photo meets the specification", report.toString());
    }

    @Test
    void reportCarriesWhatThePixelChecksMeasured() throws Exception {
        PhotoMeasurements measured = INSPECTOR.inspect(GOOD).measurements().orElseThrow();
        Pixels pixels = JpegDecoder.decode(GOOD);
        int background = BackgroundCheck.measure(pixels);
        FaceGeometryCheck.HeadGeometry head = FaceGeometryCheck.measure(pixels, background);
        assertEquals(background, measured.background());
        assertEquals(List.of(head.top(), head.chin(), head.eyeLine(), head.faceWidth()), List.of(
                measured.head().top(), measured.head().chin(), measured.head().eyeLine(), measured.head().faceWidth()));
        PhotoMeasurements.Region box = measured.head().faceBox();
        assertTrue(box.x() > 0 && box.x() + box.width() < 480 && box.y() == head.top(), box.toString());
        assertEquals(List.of("top", "left", "right"),
                measured.backgroundSamples().stream().map(PhotoMeasurements.BackgroundSample::name).toList());
        for (PhotoMeasurements.BackgroundSample sample : measured.backgroundSamples()) {
            assertTrue(Rgb.distance(sample.colour(), background) < 10, sample.toString());
        }
    }

    @Test
    void aFailedBackgroundIsMeasuredWhereItWasSampled() {
        PhotoReport report = INSPECTOR.inspect(SamplePhotos.bad(Defect.WRONG_BACKGROUND, SEED));
        assertEquals(Check.BACKGROUND, report.errors().get(0).check());
        PhotoMeasurements measured = report.measurements().orElseThrow();
        assertTrue(Rgb.red(measured.background()) > 150 && Rgb.blue(measured.background()) < 120,
                Rgb.format(measured.background()));
    }

    @Test
    void nothingIsMeasuredWhenThePixelsAreNotRead() {
        assertTrue(INSPECTOR.inspect(SamplePhotos.bad(Defect.WRONG_SIZE, SEED)).measurements().isEmpty());
        assertTrue(INSPECTOR.inspect(SamplePhotos.bad(Defect.NOT_JPEG, SEED)).measurements().isEmpty());
    }

    @Test
    void formatRejectsAnythingButAJpegWithASingleError() {
        assertEquals(List.of(error(Check.FORMAT, "file is not a JPEG: it starts with 89 50 4E 47, a JPEG with FF D8 FF")),
                findings(SamplePhotos.bad(Defect.NOT_JPEG, SEED)));
        assertEquals(List.of(error(Check.FORMAT, "file is empty; must be a JPEG")), findings(new byte[0]));
        assertEquals(List.of(error(Check.FORMAT, "file is not a JPEG: it starts with FF D8, a JPEG with FF D8 FF")),
                findings(new byte[] {(byte) 0xFF, (byte) 0xD8}));
    }

    @Test
    void formatRejectsACorruptMarkerStructure() {
        int afterJfif = TestJpegs.segmentOffset(GOOD, 0xDB);
        byte[] garbage = TestJpegs.splice(GOOD, afterJfif, 0, new byte[] {0x12});
        assertEquals(List.of(error(Check.FORMAT,
                "JPEG structure is corrupt: byte " + afterJfif + " should start a marker but is 0x12")), findings(garbage));

        byte[] noFrame = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
        List<Finding> noFrameFindings = findings(noFrame);
        assertEquals(error(Check.FORMAT, "JPEG structure is corrupt: it has no frame header (SOF)"),
                noFrameFindings.get(0));
    }

    @Test
    void truncatedFileIsAnError() {
        assertEquals(List.of(error(Check.TRUNCATED, "file ends inside the image data, before the end-of-image marker"
                + " (EOI); the JPEG is truncated")), findings(SamplePhotos.bad(Defect.TRUNCATED, SEED)));
        byte[] withoutEoi = Arrays.copyOf(GOOD, GOOD.length - 2);
        assertEquals(error(Check.TRUNCATED, "file ends inside the image data, before the end-of-image marker (EOI);"
                + " the JPEG is truncated"), findings(withoutEoi).get(0));
    }

    @Test
    void fileSizeLimitsAreErrors() {
        byte[] small = SamplePhotos.bad(Defect.TOO_SMALL, SEED);
        assertEquals(List.of(error(Check.FILE_SIZE, "file is " + kb(small.length) + "; must be at least 10 KB")),
                findings(small));

        PhotoInspector strict = new PhotoInspector(PhotoSpec.builder()
                .fileSize(10 * 1024, 30 * 1024).typicalFileSize(20 * 1024, 30 * 1024).build());
        assertTrue(GOOD.length > 30 * 1024, "the good sample is expected to be about 31 KB");
        assertEquals(List.of(error(Check.FILE_SIZE, "file is " + kb(GOOD.length) + "; must be at most 30 KB")),
                strict.inspect(GOOD).findings());
    }

    @Test
    void fileSizeOutsideTheTypicalRangeIsAWarning() {
        PhotoInspector typical = new PhotoInspector(PhotoSpec.builder().typicalFileSize(20 * 1024, 30 * 1024).build());
        PhotoReport report = typical.inspect(GOOD);
        assertEquals(List.of(warning(Check.FILE_SIZE_TYPICAL, "file is " + kb(GOOD.length)
                + "; photos are typically 20 KB to 30 KB")), report.findings());
        assertTrue(report.isAcceptable());
    }

    @Test
    void pathOverloadReadsGoodFiles(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("good.jpg"), GOOD);
        assertEquals(List.of(), INSPECTOR.inspect(file).findings());
    }

    @Test
    void pathOverloadRefusesHugeFilesWithoutInspectingThem(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("original.jpg"), new byte[5 * 1024 * 1024 + 123]);
        String message = "file is 5.0 MB (5243003 bytes); must be at most 60 KB; the file was not inspected";
        assertEquals(List.of(error(Check.FILE_SIZE, message)), INSPECTOR.inspect(file).findings());
        // Even with the size check off: an uninspected photo must not be accepted.
        PhotoInspector lenient = new PhotoInspector(PhotoSpec.builder().severity(Check.FILE_SIZE, Severity.OFF).build());
        assertEquals(List.of(error(Check.FILE_SIZE, message)), lenient.inspect(file).findings());
    }

    @Test
    void codingMustBeBaselineOrProgressive() {
        assertEquals(List.of(), findings(SamplePhotos.builder(SEED).progressive().jpeg()));
        byte[] extended = TestJpegs.patch(GOOD, TestJpegs.segmentOffset(GOOD, 0xC0) + 1, 0xC1);
        assertEquals(List.of(error(Check.CODING,
                "photo uses extended sequential coding (SOF1); must be baseline (SOF0) or progressive (SOF2)")),
                findings(extended));
    }

    @Test
    void dimensionsMustMatch() {
        assertEquals(List.of(error(Check.DIMENSIONS, "photo is 600×800; must be 480×640")),
                INSPECTOR.inspect(SamplePhotos.bad(Defect.WRONG_SIZE, SEED)).errors());
    }

    @Test
    void colourMustBe24Bit() {
        assertEquals(List.of(error(Check.COLOUR,
                "photo is grayscale (1 component); must be 24-bit colour (3 components of 8 bits)")),
                findings(SamplePhotos.bad(Defect.GRAYSCALE, SEED)));
        byte[] twelveBit = TestJpegs.patch(GOOD, TestJpegs.segmentOffset(GOOD, 0xC0) + 4, 12);
        assertEquals(List.of(error(Check.COLOUR,
                "photo has 12-bit samples; must be 24-bit colour (3 components of 8 bits)")), findings(twelveBit));
    }

    @Test
    void jfifDensityMustBe300Dpi() {
        assertEquals(List.of(error(Check.DENSITY, "JFIF density is 72 dpi; must be 300 dpi")),
                findings(SamplePhotos.bad(Defect.WRONG_DENSITY, SEED)));
        int app0 = TestJpegs.segmentOffset(GOOD, 0xE0);
        // units 2 (dots per cm), 118 × 118: the metric equivalent of 300 dpi
        assertEquals(List.of(), findings(TestJpegs.patch(GOOD, app0 + 11, 2, 0, 118, 0, 118)));
        assertEquals(List.of(error(Check.DENSITY, "JFIF density is 300×72 dpi; must be 300 dpi")),
                findings(TestJpegs.patch(GOOD, app0 + 14, 0, 72)));
    }

    @Test
    void exifDensityCountsWhenThereIsNoJfifDensity() {
        byte[] bare = TestJpegs.withoutJfif(GOOD);
        byte[] exif300 = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(300, 1, 2, ByteOrder.BIG_ENDIAN));
        assertEquals(List.of(), findings(exif300));
        byte[] exifCm = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(1181, 10, 3, ByteOrder.LITTLE_ENDIAN));
        assertEquals(List.of(), findings(exifCm));
        byte[] exif72 = TestJpegs.splice(bare, 2, 0, TestJpegs.exifSegment(72, 1, 2, ByteOrder.LITTLE_ENDIAN));
        assertEquals(List.of(error(Check.DENSITY, "Exif density is 72 dpi; must be 300 dpi")), findings(exif72));
    }

    @Test
    void missingDensityIsAWarning() {
        Finding missing = warning(Check.DENSITY_MISSING,
                "photo declares no density (no JFIF or Exif resolution); must be 300 dpi");
        assertEquals(List.of(missing), findings(SamplePhotos.builder(SEED).densityDpi(0).jpeg()));
        assertEquals(List.of(missing), findings(TestJpegs.withoutJfif(GOOD)));
    }

    @Test
    void qualityMustBeAtLeast60() {
        assertEquals(List.of(), findings(SamplePhotos.builder(SEED).quality(60).noise(6).jpeg()));
        assertEquals(List.of(error(Check.QUALITY, "JPEG quality is about 40; must be at least 60")),
                INSPECTOR.inspect(SamplePhotos.bad(Defect.LOW_QUALITY, SEED)).errors());
    }

    @Test
    void corruptImageDataFailsToDecode() {
        byte[] corrupt = TestJpegs.patch(GOOD, GOOD.length / 2, 0xFF, 0xD5);
        assertEquals(List.of(error(Check.DECODE,
                "image data cannot be decoded: Corrupt JPEG data: premature end of data segment")), findings(corrupt));
    }

    @Test
    void backgroundMustBeAnAllowedColour() {
        assertEquals(List.of(), findings(SamplePhotos.builder(SEED).background(255, 255, 255).jpeg()));
        assertEquals(List.of(), findings(SamplePhotos.builder(SEED).background(240, 240, 240).jpeg()));
        assertEquals(List.of(), findings(SamplePhotos.builder(SEED).background(110, 190, 240).jpeg()));
        assertEquals(List.of(error(Check.BACKGROUND, "background is RGB(200,30,30), 298 from the nearest allowed colour"
                + " (light blue RGB(100,197,255)); must be within 40 of light blue RGB(100,197,255),"
                + " white RGB(255,255,255) or light grey RGB(240,240,240)")),
                findings(SamplePhotos.bad(Defect.WRONG_BACKGROUND, SEED)));
    }

    @Test
    void eyeLineOutsideTheRangeIsAWarning() {
        PhotoReport report = INSPECTOR.inspect(SamplePhotos.builder(SEED).head(360, 216, 260).jpeg());
        assertEquals(List.of(warning(Check.EYE_LINE,
                "eyes are about 353 px from the top (heuristic estimate); must be 200–300 px")), report.findings());
        assertTrue(report.isAcceptable());
    }

    @Test
    void faceWidthOutsideTheRangeIsAWarning() {
        assertEquals(List.of(warning(Check.FACE_WIDTH,
                "face is about 120 px wide (heuristic estimate); must be 180–300 px")),
                findings(SamplePhotos.builder(SEED).head(250, 120, 150).jpeg()));
    }

    @Test
    void emptyBackdropHasNoHeadToMeasure() throws IOException {
        BufferedImage backdrop = new BufferedImage(480, 640, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 640; y++) {
            for (int x = 0; x < 480; x++) {
                backdrop.setRGB(x, y, 0x64C5FF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(backdrop, "jpeg", out);
        List<Finding> findings = INSPECTOR.inspect(out.toByteArray()).findings();
        assertTrue(findings.contains(warning(Check.EYE_LINE, "found no head against the background;"
                + " cannot estimate the eye line (must be 200–300 px from the top)")), findings::toString);
        assertTrue(findings.contains(warning(Check.FACE_WIDTH, "found no head against the background;"
                + " cannot estimate the face width (must be 180–300 px)")), findings::toString);
    }

    @Test
    void severitiesCanBeRelaxedOrTurnedOff() {
        byte[] red = SamplePhotos.bad(Defect.WRONG_BACKGROUND, SEED);
        PhotoReport relaxed = new PhotoInspector(PhotoSpec.builder().severity(Check.BACKGROUND, Severity.WARNING).build())
                .inspect(red);
        assertEquals(List.of(Severity.WARNING), relaxed.findings().stream().map(Finding::severity).toList());
        assertTrue(relaxed.isAcceptable());
        PhotoReport off = new PhotoInspector(PhotoSpec.builder().severity(Check.BACKGROUND, Severity.OFF).build())
                .inspect(red);
        assertEquals(List.of(), off.findings());

        PhotoReport strictGeometry = new PhotoInspector(PhotoSpec.builder()
                .severity(Check.FACE_WIDTH, Severity.ERROR).build())
                .inspect(SamplePhotos.builder(SEED).head(250, 120, 150).jpeg());
        assertFalse(strictGeometry.isAcceptable());
    }
}
