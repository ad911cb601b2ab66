package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.RegistryClock;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that is down, stalls, floods, or has revoked the station, and a station clock that is
 * wrong: each is reported at once with its own exit code and what to do, and nothing queued is
 * lost or marked failed over it.
 */
class RegistryTroubleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();
    static int photoSeed = 40;

    private static TestStation enrolled(String name) throws Exception {
        return TestStation.enrolled(TestStation.unencrypted(temp.resolve(name)), registry, "--no-passphrase");
    }

    private static String capture(TestStation station) throws Exception {
        Path photo = temp.resolve("photo-" + photoSeed + ".jpg");
        Files.write(photo, SamplePhotos.good(photoSeed++));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        return JSON.readTree(capture.out()).get("entry").asText();
    }

    private static JsonNode counts(TestStation station) throws Exception {
        CliRun status = station.run("status", "--json");
        assertEquals(ExitCodes.OK, status.exitCode(), status::both);
        return JSON.readTree(status.out()).get("counts");
    }

    private static Map<String, String> registryAt(String url, String... more) {
        Map<String, String> variables = new java.util.HashMap<>();
        variables.put(StationConfig.environmentVariable("registry.url"), url);
        for (int i = 0; i < more.length; i += 2) {
            variables.put(StationConfig.environmentVariable(more[i]), more[i + 1]);
        }
        return variables;
    }

    @Test
    void uploadToARegistryThatIsDownExitsSixAtOnceAndTakesNothingFromTheSpool() throws Exception {
        TestStation station = enrolled("down");
        capture(station);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "https://127.0.0.1:" + closedPort;

        CliRun upload = station.run(registryAt(url), "", "upload", "--json");

        assertEquals(ExitCodes.UNREACHABLE, upload.exitCode(), upload::both);
        // With --json the failure is the JSON error object, and no summary: the run never started.
        String message = new ObjectMapper().readTree(upload.out()).get("error").get("message").asText();
        assertTrue(message.startsWith("cannot reach the registry at " + url), upload::both);
        assertTrue(message.contains("Nothing was uploaded; the 1 due envelope(s) stay in the spool"), upload::both);
        assertEquals("", upload.err(), upload::both);
        assertEquals(1, counts(station).get("queued").asInt(), "the entry is untouched, not failed");
    }

    @Test
    void aRevokedStationStopsUploadingAtOnceKeepsItsEntriesAndRefusesToCapture() throws Exception {
        TestStation station = enrolled("revoked");
        String entry = capture(station);
        String stationId = Certificates.commonName(PemFiles.readCertificates(station.station().certificate()).get(0));
        registry.revokeStation(stationId);

        for (int run = 1; run <= 2; run++) {
            CliRun upload = station.run("upload");
            assertEquals(ExitCodes.REGISTRY_REFUSED, upload.exitCode(), upload::both);
            assertTrue(upload.err().contains("error: the registry has revoked this station's certificate (station "
                    + stationId), upload::both);
            assertTrue(upload.err().contains("403 STATION_REVOKED; the upload stopped at once"), upload::both);
            assertTrue(upload.err().contains("Contact the registry"), upload::both);
            JsonNode counts = counts(station);
            assertEquals(1, counts.get("queued").asInt(), "run " + run + ": the entry stays queued, intact");
            assertEquals(0, counts.get("failed").asInt(), upload::both);
        }
        assertTrue(RegistryUploads.of(registry, entry).isEmpty(),
                "the registry holds nothing from a revoked station");

        CliRun refresh = station.run("trust", "refresh");
        assertEquals(ExitCodes.REGISTRY_REFUSED, refresh.exitCode(), refresh::both);
        Path photo = temp.resolve("after-revocation.jpg");
        Files.write(photo, SamplePhotos.good(90));
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo.toString());
        assertEquals(ExitCodes.REGISTRY_REFUSED, capture.exitCode(), capture::both);
        assertTrue(capture.err().contains("it must not seal photos, and nothing was sealed"), capture::both);
        assertTrue(Files.exists(photo));
        assertEquals(1, counts(station).get("queued").asInt(), "nothing new was sealed");

        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.REGISTRY_REFUSED, upload.exitCode(), upload::both);
        assertTrue(upload.err().contains("nothing was uploaded, and the envelopes stay queued"), upload::both);
    }

    @Test
    void aClockFarFromTheRegistrysRefusesToCaptureUntilItIsFixedAndMeasuredAgain() throws Exception {
        TestStation station = enrolled("clock");
        CliRun refresh = station.run("trust", "refresh");
        assertEquals(ExitCodes.OK, refresh.exitCode(), refresh::both);
        RegistryClock.Measurement measured = RegistryClock.of(station.station()).last().orElseThrow();
        assertTrue(measured.skew().abs().compareTo(Duration.ofSeconds(5)) < 0, measured::toString);

        // As a station whose clock ran 6 minutes fast would have measured at its last registry answer.
        Files.writeString(station.station().registryClock(), "skew-millis=360000\nmeasured-at="
                + Instant.now() + "\n");
        Path photo = temp.resolve("fast-clock.jpg");
        Files.write(photo, SamplePhotos.good(91));
        String code = registry.issueCode().text();
        CliRun refused = station.run("capture", "--code", code, photo.toString(), "--delete-original");
        assertEquals(ExitCodes.STATION, refused.exitCode(), refused::both);
        assertTrue(refused.err().startsWith("error: this computer's clock is 6 min 0 s ahead of the registry's"),
                refused::both);
        assertTrue(refused.err().contains("more than capture.max-clock-skew = PT2M"), refused::both);
        assertTrue(refused.err().contains("'timedatectl set-ntp true'"), refused::both);
        assertTrue(Files.exists(photo), "the original is kept");
        assertEquals(0, counts(station).get("queued").asInt());

        CliRun remeasure = station.run("trust", "refresh");
        assertEquals(ExitCodes.OK, remeasure.exitCode(), remeasure::both);
        CliRun captured = station.run("capture", "--code", code, photo.toString());
        assertEquals(ExitCodes.OK, captured.exitCode(), captured::both);
    }

    /**
     * Regression: the upload's listeners wrap one another (receipt archive, transfer-log recorder,
     * summary, notices), and a wrapper once dropped the retry event, so no notice ever reached
     * standard error in a real run. A registry that refuses the first creation with 503 must give
     * exactly one notice line, and the envelope still arrives.
     */
    @Test
    void aRetriedRequestIsAnnouncedOnStandardErrorAndTheEnvelopeStillArrives() throws Exception {
        TestStation station = enrolled("retry-notice");
        String entry = capture(station);
        registry.faultPlan("{\"seed\":\"1\",\"rules\":[{\"route\":\"POST /files/\",\"script\":[1],"
                + "\"action\":{\"type\":\"status\",\"status\":503,\"retryAfterSeconds\":1}}]}");
        CliRun upload;
        try {
            upload = station.run("upload");
        } finally {
            registry.clearFaults();
        }
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        List<String> notices = upload.err().lines().filter(line -> line.startsWith("retry: ")).toList();
        assertEquals(1, notices.size(), upload::both);
        assertTrue(notices.get(0).startsWith("retry: " + Spool.shortId(entry)), upload::both);
        assertTrue(notices.get(0).contains("503"), upload::both);
        assertEquals(1, counts(station).get("delivered").asInt());
    }

    @Test
    void aRegistryThatDripsItsAnswerIsGivenUpOnAtTheCallDeadline() throws Exception {
        TestStation station = enrolled("drip");
        capture(station);
        try (MisbehavingRegistry drip = MisbehavingRegistry.start(registry.dataDir().resolve("keys"),
                MisbehavingRegistry.Mode.DRIP)) {
            CliRun refresh = station.run(registryAt(drip.url(), "registry.call-timeout", "PT2S"), "", "trust",
                    "refresh");
            assertEquals(ExitCodes.UNREACHABLE, refresh.exitCode(), refresh::both);
            assertTrue(refresh.err().contains("did not answer completely within registry.call-timeout"),
                    refresh::both);

            CliRun upload = station.run(registryAt(drip.url(), "registry.connect-timeout", "PT1S"), "", "upload");
            assertEquals(ExitCodes.UNREACHABLE, upload.exitCode(), upload::both);
            assertTrue(upload.err().contains("the 1 due envelope(s) stay in the spool"), upload::both);
        }
        assertEquals(1, counts(station).get("queued").asInt());
        CliRun afterwards = station.run("upload");
        assertEquals(ExitCodes.OK, afterwards.exitCode(), "the spool lock was released: " + afterwards.both());
    }

    @Test
    void aRegistryThatNeverStopsAnsweringIsCutOffAtTheSizeLimit() throws Exception {
        TestStation station = enrolled("flood");
        byte[] bundle = Files.readAllBytes(station.station().trustBundle());
        try (MisbehavingRegistry flood = MisbehavingRegistry.start(registry.dataDir().resolve("keys"),
                MisbehavingRegistry.Mode.ENDLESS)) {
            CliRun refresh = station.run(registryAt(flood.url()), "", "trust", "refresh");
            assertEquals(ExitCodes.UNREACHABLE, refresh.exitCode(), refresh::both);
            assertTrue(refresh.err().contains("answered with more than 1048576 bytes"), refresh::both);

            CliRun audit = station.run("audit", "verify", "--registry", flood.url());
            assertEquals(ExitCodes.UNREACHABLE, audit.exitCode(), audit::both);
            assertTrue(audit.err().contains("it answered with more than 1048576 bytes"), audit::both);
        }
        assertTrue(java.util.Arrays.equals(bundle, Files.readAllBytes(station.station().trustBundle())),
                "the stored trust bundle is untouched");
    }
}
