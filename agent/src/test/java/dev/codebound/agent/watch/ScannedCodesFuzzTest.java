package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Fuzz test for the scanned-codes file ({@code scanned-codes.json} in the station home), which
 * {@code watch} reads to pair a photo with its code and which survives crashes, disk faults and
 * hand edits (docs/security-fuzzing.md). Seeds: a file the real {@link ScannedCodes} wrote.
 */
class ScannedCodesFuzzTest {
    private static Path file;

    /**
     * Looking a code up lets only IOException escape (one naming the file and saying to delete it);
     * what is found is the entry asked for.
     */
    @FuzzTest(maxDuration = "60s")
    void file(byte[] input) throws IOException {
        if (file == null) {
            file = Files.createTempDirectory("scanned-codes-fuzz").resolve("scanned-codes.json");
        }
        Files.write(file, input);
        ScannedCodes codes = new ScannedCodes(file);
        for (String codeId : new String[] {"7GQ2-KX4M", ""}) {
            Optional<ScannedCodes.Scanned> found;
            try {
                found = codes.find(codeId);
            } catch (IOException e) {
                return;
            }
            found.ifPresent(scanned -> assertEquals(codeId, scanned.codeId()));
        }
    }
}
