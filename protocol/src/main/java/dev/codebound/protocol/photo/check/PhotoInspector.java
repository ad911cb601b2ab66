package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.protocol.photo.jpeg.JpegHeader;
import dev.codebound.protocol.photo.jpeg.JpegHeaderParser;
import dev.codebound.protocol.photo.jpeg.Pixels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Checks a photo against a {@link PhotoSpec}. Thread-safe; one instance serves a whole station.
 *
 * <p>The checks run in three stages, each only if the previous one allows it:
 * <ol>
 *   <li>the first bytes: not a JPEG gives a single FORMAT error and nothing else;</li>
 *   <li>the file size and the marker segments, parsed without decoding: structure (FORMAT, TRUNCATED),
 *       frame (CODING, DIMENSIONS, COLOUR), density (DENSITY, DENSITY_MISSING) and estimated quality
 *       (QUALITY);</li>
 *   <li>the pixels, decoded with ImageIO only if the structure is sound and the frame is a baseline or
 *       progressive 24-bit colour image of exactly the spec's size (the pixel checks measure in that
 *       grid, and the decode stays small whatever the file claims): DECODE, BACKGROUND, and the heuristic
 *       EYE_LINE and FACE_WIDTH.</li>
 * </ol>
 * Whatever the bytes, inspection returns a report; problems with the photo are findings, never
 * exceptions.
 */
public final class PhotoInspector {
    private final PhotoSpec spec;

    /** An inspector for {@code spec}. */
    public PhotoInspector(PhotoSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** An inspector for {@link PhotoSpec#defaults()}. */
    public PhotoInspector() {
        this(PhotoSpec.defaults());
    }

    /** The spec this inspector checks against. */
    public PhotoSpec spec() {
        return spec;
    }

    /** Inspects a photo held in memory; never throws for any content. */
    public PhotoReport inspect(byte[] photo) {
        Objects.requireNonNull(photo, "photo");
        Findings findings = new Findings(spec);
        JpegHeader header = JpegHeaderParser.parse(photo);
        if (!header.jpeg()) {
            findings.fail(Check.FORMAT, notJpegMessage(photo));
            return findings.report();
        }
        boolean sound = StructureCheck.check(header, findings);
        FileSizeCheck.check(photo.length, findings);
        if (header.frame() == null) {
            return findings.report();
        }
        boolean measurable = FrameCheck.check(header.frame(), findings);
        DensityCheck.check(header, findings);
        QualityCheck.check(header, findings);
        if (sound && measurable) {
            checkPixels(photo, findings);
        }
        return findings.report();
    }

    /**
     * Inspects a photo file, reading at most {@link PhotoSpec#maxFileBytes()} + 1 bytes of it. A larger
     * file is not read: its report holds a single FILE_SIZE finding of severity ERROR whatever the
     * spec's FILE_SIZE severity, since a photo that was not inspected must not be accepted.
     *
     * @throws IOException if the file cannot be read (a problem of the station, not of the photo)
     */
    public PhotoReport inspect(Path file) throws IOException {
        long limit = spec.maxFileBytes();
        byte[] photo;
        try (InputStream in = Files.newInputStream(file)) {
            photo = in.readNBytes((int) limit + 1);
        }
        if (photo.length > limit) {
            long size = Math.max(photo.length, Files.size(file));
            return new PhotoReport(List.of(new Finding(Check.FILE_SIZE, Severity.ERROR,
                    FileSizeCheck.limitMessage(size, 0, limit) + "; the file was not inspected")));
        }
        return inspect(photo);
    }

    private static void checkPixels(byte[] photo, Findings findings) {
        Pixels pixels;
        try {
            pixels = JpegDecoder.decode(photo);
        } catch (JpegDecoder.DecodeException e) {
            findings.fail(Check.DECODE, "image data cannot be decoded: " + e.getMessage());
            return;
        }
        BackgroundCheck.Strips background = BackgroundCheck.check(pixels, findings);
        PhotoMeasurements.Head head = FaceGeometryCheck.check(pixels, background.background(), findings);
        findings.measured(new PhotoMeasurements(pixels.width(), pixels.height(), background.background(),
                background.samples(), head));
    }

    private static String notJpegMessage(byte[] photo) {
        if (photo.length == 0) {
            return "file is empty; must be a JPEG";
        }
        String start = HexFormat.ofDelimiter(" ").withUpperCase()
                .formatHex(photo, 0, Math.min(4, photo.length));
        return "file is not a JPEG: it starts with " + start + ", a JPEG with FF D8 FF";
    }
}
