package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.TestJpegs;
import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.protocol.photo.jpeg.Pixels;
import dev.codebound.protocol.photo.jpeg.Rgb;
import dev.codebound.testkit.SamplePhotos.Defect;
import dev.codebound.testkit.SamplePhotos;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes {@code vectors/photo/findings.txt}: for every photo of a fixed corpus (good and every kind of
 * bad sample, variations of background, head and encoding, damaged and truncated files, photos with
 * ICC profiles, and the repository's test photos), the inspector's findings and what the pixel checks
 * measured (background colour, head geometry). {@link PhotoFindingsVectorsTest} checks that the
 * inspector still gives exactly these answers, so that a faster decoder or check cannot change a
 * verdict unnoticed. The corpus is generated with the JDK's JPEG encoder; each entry records the
 * SHA-256 of its input so that a JDK that encodes differently skips the entry instead of failing.
 * Rerun from the repository root (only when a check's answers are meant to change) with:
 *
 * <pre>
 * mvn -B -ntp -q -pl testkit,protocol test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.codebound.protocol.photo.check.PhotoFindingsVectorGenerator \
 *     -Dexec.args=protocol/src/test/resources/vectors/photo/findings.txt
 * </pre>
 */
public final class PhotoFindingsVectorGenerator {
    /** Marks the first line of an entry: {@code == NAME SHA256}. */
    static final String ENTRY = "== ";
    private static final PhotoInspector INSPECTOR = new PhotoInspector();

    private PhotoFindingsVectorGenerator() {
    }

    /** Writes the vectors to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, byte[]> photo : corpus().entrySet()) {
            text.append(ENTRY).append(photo.getKey()).append(' ').append(sha256(photo.getValue())).append('\n');
            text.append(describe(photo.getValue()));
        }
        Files.writeString(out, text.toString(), StandardCharsets.UTF_8);
    }

    /** The corpus, by name, in a fixed order. */
    public static Map<String, byte[]> corpus() throws IOException {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        for (long seed = 1; seed <= 24; seed++) {
            corpus.put("good-" + seed, SamplePhotos.good(seed));
        }
        for (Defect defect : Defect.values()) {
            for (long seed = 1; seed <= 3; seed++) {
                corpus.put("bad-" + defect.name().toLowerCase() + "-" + seed, SamplePhotos.bad(defect, seed));
            }
        }
        int[][] backgrounds = {{255, 255, 255}, {235, 235, 235}, {200, 200, 200}, {100, 197, 255}, {120, 180, 230},
            {60, 60, 60}, {200, 30, 30}, {250, 250, 210}};
        for (int[] rgb : backgrounds) {
            corpus.put("background-" + rgb[0] + "-" + rgb[1] + "-" + rgb[2],
                    SamplePhotos.builder(7).background(rgb[0], rgb[1], rgb[2]).jpeg());
        }
        int[][] heads = {{250, 216, 260}, {180, 216, 260}, {330, 216, 260}, {250, 140, 180}, {250, 300, 340},
            {120, 200, 240}, {420, 216, 260}, {250, 60, 80}, {600, 216, 260}, {250, 470, 300}};
        for (int[] head : heads) {
            corpus.put("head-" + head[0] + "-" + head[1] + "-" + head[2],
                    SamplePhotos.builder(11).head(head[0], head[1], head[2]).jpeg());
        }
        corpus.put("progressive", SamplePhotos.builder(13).progressive().jpeg());
        corpus.put("quality-60", SamplePhotos.builder(14).quality(60).jpeg());
        corpus.put("quality-95", SamplePhotos.builder(15).quality(95).jpeg());
        corpus.put("noise-0", SamplePhotos.builder(16).noise(0).jpeg());
        corpus.put("noise-12", SamplePhotos.builder(17).noise(12).jpeg());
        corpus.put("blur-3", SamplePhotos.builder(18).blur(3).jpeg());
        corpus.put("white-on-white", SamplePhotos.builder(19).background(255, 255, 255).noise(0).jpeg());
        byte[] good = SamplePhotos.good(TestJpegs.SEED);
        corpus.put("icc-srgb", withIccProfile(good, ICC_Profile.getInstance(ColorSpace.CS_sRGB)));
        corpus.put("icc-linear-rgb", withIccProfile(good, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)));
        Random random = new Random(TestJpegs.SEED);
        int scan = TestJpegs.scanDataOffset(good);
        for (int run = 0; run < 24; run++) {
            byte[] damaged = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                damaged[scan + random.nextInt(damaged.length - scan - 2)] ^= (byte) (1 + random.nextInt(255));
            }
            corpus.put("scan-flip-" + run, damaged);
        }
        for (int eighths = 1; eighths < 8; eighths++) {
            corpus.put("cut-" + eighths + "-of-8", Arrays.copyOf(good, good.length * eighths / 8));
        }
        corpus.put("docs-samples-IMG_0042", repositoryFile("docs/samples/IMG_0042.jpg"));
        corpus.put("vectors-envelope-photo", repositoryFile("protocol/src/test/resources/vectors/envelope/photo.jpg"));
        return corpus;
    }

    /**
     * What the inspector says about {@code photo}: its findings, then (when the pixel checks can
     * run) the decoded background colour and head geometry, one item per line.
     */
    static String describe(byte[] photo) {
        StringBuilder text = new StringBuilder();
        for (Finding finding : INSPECTOR.inspect(photo).findings()) {
            text.append("finding ").append(finding).append('\n');
        }
        Pixels pixels;
        try {
            pixels = JpegDecoder.decode(photo);
        } catch (JpegDecoder.DecodeException e) {
            return text.append("decode failed: ").append(e.getMessage()).append('\n').toString();
        }
        int background = BackgroundCheck.measure(pixels);
        FaceGeometryCheck.HeadGeometry head = FaceGeometryCheck.measure(pixels, background);
        text.append("pixels ").append(pixels.width()).append('x').append(pixels.height())
                .append(" background ").append(Rgb.format(background)).append('\n');
        text.append("head ").append(head).append('\n');
        return text.toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code jpeg} with an APP2 ICC_PROFILE segment (a single chunk) right after its SOI. */
    private static byte[] withIccProfile(byte[] jpeg, ICC_Profile profile) {
        byte[] data = profile.getData();
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        int length = 2 + 12 + 2 + data.length;
        segment.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
        segment.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
        segment.writeBytes(new byte[] {1, 1});
        segment.writeBytes(data);
        return TestJpegs.splice(jpeg, 2, 0, segment.toByteArray());
    }

    /** A file of the repository, found from the module directory (tests) or the root (the generator). */
    private static byte[] repositoryFile(String path) {
        for (Path candidate : List.of(Path.of(path), Path.of("..").resolve(path))) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return Files.readAllBytes(candidate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("cannot find " + path + " from " + Path.of("").toAbsolutePath());
    }
}
