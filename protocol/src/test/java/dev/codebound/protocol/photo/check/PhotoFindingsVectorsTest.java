package dev.codebound.protocol.photo.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The inspector gives exactly the findings and measurements recorded in
 * {@code vectors/photo/findings.txt} (see {@link PhotoFindingsVectorGenerator}) for every photo of the
 * corpus: a change to decoding or to a check's arithmetic that moves any verdict, message, background
 * colour or head estimate fails here.
 */
class PhotoFindingsVectorsTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/photo/findings.txt");

    private record Recorded(String sha256, String description) {
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusPhotoGetsTheRecordedFindings() throws IOException {
        Map<String, Recorded> recorded = read();
        Map<String, byte[]> corpus = PhotoFindingsVectorGenerator.corpus();
        assertEquals(recorded.keySet(), corpus.keySet(), "the corpus and the recorded vectors name the same photos");
        return corpus.entrySet().stream().map(photo -> DynamicTest.dynamicTest(photo.getKey(), () -> {
            Recorded expected = recorded.get(photo.getKey());
            assumeTrue(expected.sha256().equals(PhotoFindingsVectorGenerator.sha256(photo.getValue())),
                    "this JDK encodes the sample differently from the one that recorded it");
            assertEquals(expected.description(), PhotoFindingsVectorGenerator.describe(photo.getValue()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> theRecordedVectorsExerciseEveryPath() throws IOException {
        String all = String.join("", read().values().stream().map(Recorded::description).toList());
        return Stream.of("finding ERROR decode", "finding ERROR background", "finding WARNING eye-line",
                "finding WARNING face-width", "head HeadGeometry[top=-1", "decode failed", "background RGB(")
                .map(text -> DynamicTest.dynamicTest(text, () -> assertTrue(all.contains(text),
                        "no recorded photo has \"" + text + "\"")));
    }

    private static Map<String, Recorded> read() throws IOException {
        Map<String, Recorded> recorded = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(VECTORS, StandardCharsets.UTF_8);
        int i = 0;
        while (i < lines.size()) {
            String[] header = lines.get(i++).substring(PhotoFindingsVectorGenerator.ENTRY.length()).split(" ");
            StringBuilder description = new StringBuilder();
            while (i < lines.size() && !lines.get(i).startsWith(PhotoFindingsVectorGenerator.ENTRY)) {
                description.append(lines.get(i++)).append('\n');
            }
            recorded.put(header[0], new Recorded(header[1], description.toString()));
        }
        return recorded;
    }
}
