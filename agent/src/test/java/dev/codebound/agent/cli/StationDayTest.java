package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station's day against the real mock registry (TLS on loopback): init, enroll, trust refresh,
 * code verify, capture, upload, status, with the receipt verified and stored.
 */
class StationDayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void initEnrollCaptureUploadAndKeepTheVerifiedReceipt() throws Exception {
        TestStation station = TestStation.in(temp.resolve("station"));
        CliRun init = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--schools", "10337,10338");
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        assertTrue(init.out().contains("SHA-256 fingerprint"), init::both);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                station.station().privateKey())));
        assertTrue(Files.readString(station.station().privateKey()).contains("ENCRYPTED PRIVATE KEY"));

        CliRun enroll = station.run(Map.of(EnrollCommand.TOKEN_VARIABLE, registry.enrollmentToken()), "", "enroll",
                "--json");
        assertEquals(ExitCodes.OK, enroll.exitCode(), enroll::both);
        String stationId = JSON.readTree(enroll.out()).get("stationId").asText();
        assertTrue(stationId.startsWith("ST-"), enroll::both);

        CliRun refresh = station.run("trust", "refresh");
        assertEquals(ExitCodes.OK, refresh.exitCode(), refresh::both);
        assertTrue(refresh.out().contains("trust bundle is up to date (sequence"), refresh::both);

        IssuedCode code = registry.issueCode();
        CliRun verify = station.run("code", "verify", code.text());
        assertEquals(ExitCodes.OK, verify.exitCode(), verify::both);

        Path photo = temp.resolve("IMG_0001.jpg");
        Files.write(photo, SamplePhotos.good(1));
        CliRun capture = station.run("capture", "--code", code.text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        JsonNode captured = JSON.readTree(capture.out());
        String entry = captured.get("entry").asText();
        assertEquals(code.codeId(), captured.get("codeId").asText());
        assertTrue(Files.exists(photo), "the original stays unless --delete-original");
        assertNoPlaintextPhotoUnder(station.home());

        CliRun upload = station.run("upload", "--json");
        JsonNode summary = JSON.readTree(upload.out());
        assertEquals(1, summary.get("delivered").asInt(), upload::both);
        assertEquals(1, RegistryUploads.completeOf(registry, entry).size());
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertEquals(entry, summary.get("receipts").get("stored").get(0).asText(), upload::both);
        Receipt receipt = ReceiptCodec.verify(Files.readAllBytes(station.station().receipt(entry)),
                new StationTrust(station.station()).bundle(), "stored receipt");
        assertEquals(entry, receipt.envelopeSha256());
        assertEquals(code.codeId(), receipt.codeId());
        assertEquals(stationId, receipt.stationId());

        CliRun status = station.run("status", "--json");
        assertEquals(ExitCodes.OK, status.exitCode(), status::both);
        JsonNode counts = JSON.readTree(status.out()).get("counts");
        assertEquals(1, counts.get("delivered").asInt(), status::both);
        assertEquals(0, JSON.readTree(status.out()).get("bytesPending").asLong());
        assertEquals(0, JSON.readTree(status.out()).get("deliveredWithoutVerifiedReceipt").asInt(), status::both);
        assertTrue(PemFiles.readCertificates(station.station().certificate()).get(0).getSubjectX500Principal()
                .getName().contains(stationId));
    }

    /** The station home holds envelopes (CMS, first byte 0x30), never a JPEG (FF D8). */
    @Test
    void initWithJsonDescribesTheStationItSetUp() throws Exception {
        TestStation station = TestStation.unencrypted(temp.resolve("init-json"));
        CliRun init = station.run("--json", "init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--schools", "10337,10338", "--no-passphrase");
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        JsonNode result = JSON.readTree(init.out());
        assertEquals(station.home().toString(), result.get("home").asText(), init.out());
        assertEquals(registry.baseUri().toString().replaceAll("/$", ""), result.get("registryUrl").asText(),
                init.out());
        assertEquals("10337", result.get("schools").get(0).asText(), init.out());
        assertEquals(2, result.get("schools").size(), init.out());
        assertTrue(result.get("registryCaSha256").asText().matches("[0-9a-f]{64}"), init.out());
        assertEquals(false, result.get("keyEncrypted").asBoolean(), init.out());
        assertTrue(init.err().contains("UNENCRYPTED"), "the warning stays on standard error: " + init.err());
    }

    static void assertNoPlaintextPhotoUnder(Path home) throws Exception {
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] start = new byte[2];
                try (var in = Files.newInputStream(file)) {
                    in.readNBytes(start, 0, 2);
                }
                assertFalse((start[0] & 0xFF) == 0xFF && (start[1] & 0xFF) == 0xD8, "plaintext photo at " + file);
            }
        }
        try (Stream<Path> tmp = Files.exists(home.resolve("tmp")) ? Files.list(home.resolve("tmp")) : Stream.of()) {
            assertEquals(List.of(), tmp.toList(), "no scratch envelope left behind");
        }
    }
}
