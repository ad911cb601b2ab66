package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every misbehaviour of the real mock registry's fault injection that a flaky registry shows in
 * the field still ends in full delivery: exactly one accepted envelope, a verified receipt, and for
 * a connection reset mid-chunk at most that one chunk sent again.
 */
class FaultedUploadTest {
    static final int CHUNK = 8 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "connection reset mid-chunk | {\"type\":\"reset\",\"afterBytes\":5000}",
        "delay                      | {\"type\":\"delay\",\"ms\":400}",
        "503 with Retry-After       | {\"type\":\"status\",\"status\":503,\"retryAfterSeconds\":1}",
        "460 checksum mismatch      | {\"type\":\"checksumMismatch\"}",
        "423 locked                 | {\"type\":\"locked\"}"})
    void aFaultyRegistryStillGetsEveryPhotoExactlyOnce(String mode, String action) throws Exception {
        registry.faultPlan("{\"seed\":7,\"rules\":[{\"route\":\"tus.patch\",\"script\":[2,3],\"action\":" + action
                + "}]}");
        TestStation station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry,
                "--no-passphrase");
        // A photo near the top of the specification's sizes (about 54 KB, which the registry accepts) in
        // small chunks, so that the envelope goes in several PATCH requests (small ones ride in the
        // creation request), with quick retries so the test does not wait out real backoff.
        Files.writeString(station.station().config(), String.join("\n",
                "upload.chunk-size=" + CHUNK, "upload.retry.base-delay=PT0.05S", "upload.retry.max-delay=PT0.5S",
                "capture.check.file-size-typical=off", ""), StandardOpenOption.APPEND);
        Path photo = temp.resolve("portrait.jpg");
        Files.write(photo, SamplePhotos.builder(5).noise(5).jpeg());
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        JsonNode sealed = JSON.readTree(capture.out());
        assertTrue(sealed.get("envelopeBytes").asLong() > 4L * CHUNK, "several chunks: " + sealed);

        CliRun upload = station.run("upload", "--parallel", "1", "--json");
        assertEquals(ExitCodes.OK, upload.exitCode(), () -> mode + ": " + upload.both());
        JsonNode run = JSON.readTree(upload.out());
        assertEquals(1, run.get("delivered").asInt(), run.toString());
        assertTrue(run.get("bytesResent").asLong() <= 2L * CHUNK, "at most one chunk per interruption: " + run);
        String entry = sealed.get("entry").asText();
        assertEquals(1, RegistryUploads.completeOf(registry, entry).size(), "the registry holds the envelope once");
        assertTrue(Files.exists(station.station().receipts().resolve(entry + ".json")), "receipt stored");
        var rules = (java.util.List<?>) registry.faults().status().get("rules");
        assertEquals(2L, ((Number) ((java.util.Map<?, ?>) rules.get(0)).get("fired")).longValue(),
                "the fault fired on the 2nd and 3rd PATCH");
    }
}
