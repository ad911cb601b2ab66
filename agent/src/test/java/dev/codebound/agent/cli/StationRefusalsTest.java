package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.station.StationKeys;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input the commands meet, against the real mock registry: one clear message and exit code each. */
class StationRefusalsTest {
    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();
    static TestStation enrolled;
    static String usedToken;

    @BeforeAll
    static void enrollAStation() throws Exception {
        enrolled = TestStation.unencrypted(temp.resolve("enrolled"));
        init(enrolled);
        usedToken = registry.enrollmentToken();
        TestStation.enroll(enrolled, usedToken);
    }

    private static void init(TestStation station) {
        CliRun init = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--schools", "10337", "--no-passphrase");
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        assertTrue(init.err().startsWith("warning: the station key is stored UNENCRYPTED"), init::both);
    }

    private static TestStation initialised(String name) {
        TestStation station = TestStation.unencrypted(temp.resolve(name));
        init(station);
        return station;
    }

    @Test
    void unknownTokenIsRefusedWithTheRegistrysReason() {
        CliRun enroll = initialised("unknown-token").run(Map.of(EnrollCommand.TOKEN_VARIABLE, "CBE-NOSUCHTOKEN"), "",
                "enroll");
        assertEquals(ExitCodes.REGISTRY_REFUSED, enroll.exitCode(), enroll::both);
        assertTrue(enroll.err().startsWith("error: enrollment failed: the registry refused: the enrollment token is "
                + "not known to this registry"), enroll::both);
        assertTrue(enroll.err().contains("(ENROLLMENT_TOKEN_UNKNOWN)"), enroll::both);
    }

    @Test
    void usedTokenIsRefused() throws Exception {
        Path tokenFile = temp.resolve("token.txt");
        Files.writeString(tokenFile, usedToken + "\n");
        CliRun enroll = initialised("used-token").run("enroll", "--token-file", tokenFile.toString());
        assertEquals(ExitCodes.REGISTRY_REFUSED, enroll.exitCode(), enroll::both);
        assertTrue(enroll.err().contains("was already used at"), enroll::both);
        assertTrue(enroll.err().contains("(ENROLLMENT_TOKEN_USED)"), enroll::both);
    }

    @Test
    void enrollWithoutATokenSaysWhereTokensComeFrom() {
        CliRun enroll = initialised("no-token").run("enroll");
        assertEquals(ExitCodes.STATION, enroll.exitCode(), enroll::both);
        assertTrue(enroll.err().startsWith("error: no enrollment token: set CODEBOUND_ENROLLMENT_TOKEN or give "
                + "--token-file FILE"), enroll::both);
    }

    @Test
    void enrollingTwiceNeedsForce() {
        CliRun again = enrolled.run(Map.of(EnrollCommand.TOKEN_VARIABLE, "CBE-IRRELEVANT"), "", "enroll");
        assertEquals(ExitCodes.STATION, again.exitCode(), again::both);
        assertTrue(again.err().contains("the station is already enrolled as ST-"), again::both);
    }

    @Test
    void initWithoutPassphraseIsRefusedUnlessExplicit() {
        TestStation station = TestStation.unencrypted(temp.resolve("no-passphrase"));
        CliRun init = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString());
        assertEquals(ExitCodes.STATION, init.exitCode(), init::both);
        assertTrue(init.err().startsWith("error: no key passphrase is configured: set CODEBOUND_KEY_PASSPHRASE"),
                init::both);
        assertFalse(Files.exists(station.station().privateKey()));
    }

    @Test
    void initRefusesToOverwriteAKeyAndCheckItsInput() throws Exception {
        CliRun again = enrolled.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--no-passphrase");
        assertEquals(ExitCodes.STATION, again.exitCode(), again::both);
        assertTrue(again.err().contains("a station key already exists at"), again::both);

        TestStation fresh = TestStation.unencrypted(temp.resolve("bad-input"));
        CliRun http = fresh.run("init", "--registry-url", "http://127.0.0.1:1", "--registry-ca",
                registry.caCertificateFile().toString(), "--no-passphrase");
        assertEquals(ExitCodes.STATION, http.exitCode(), http::both);
        assertTrue(http.err().contains("--registry-url must use https"), http::both);

        Path leaf = temp.resolve("leaf.pem");
        Files.copy(registry.caCertificateFile().resolveSibling("tls-server.cert.pem"), leaf);
        CliRun notCa = fresh.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                leaf.toString(), "--no-passphrase");
        assertEquals(ExitCodes.STATION, notCa.exitCode(), notCa::both);
        assertTrue(notCa.err().contains("which is not a CA certificate"), notCa::both);

        CliRun schools = fresh.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString(), "--schools", "10337,abc", "--no-passphrase");
        assertEquals(ExitCodes.STATION, schools.exitCode(), schools::both);
        assertTrue(schools.err().contains("--schools contains 'abc', which is not a school code"), schools::both);
    }

    @Test
    void wrongPassphraseIsNamedAsSuch() throws Exception {
        TestStation station = TestStation.in(temp.resolve("wrong-passphrase"));
        CliRun init = station.run("init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                registry.caCertificateFile().toString());
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        CliRun enroll = station.run(Map.of(StationKeys.PASSPHRASE_VARIABLE, "hunter2-not-it",
                EnrollCommand.TOKEN_VARIABLE, registry.enrollmentToken()), "", "enroll");
        assertEquals(ExitCodes.STATION, enroll.exitCode(), enroll::both);
        assertTrue(enroll.err().contains("wrong passphrase for the encrypted private key"), enroll::both);
        assertFalse(enroll.both().contains("hunter2-not-it"), "the passphrase never appears in messages");
    }

    @Test
    void captureBeforeEnrollSaysToEnroll() throws Exception {
        Path photo = temp.resolve("early.jpg");
        Files.write(photo, SamplePhotos.good(2));
        CliRun capture = initialised("not-enrolled").run("capture", "--code", registry.issueCode().text(),
                photo.toString());
        assertEquals(ExitCodes.STATION, capture.exitCode(), capture::both);
        assertTrue(capture.err().contains("run 'codebound-agent enroll' first"), capture::both);
    }

    @Test
    void wrongSizePhotoIsRefusedWithItsExactMessageAndNothingIsSpooled() throws Exception {
        Path photo = temp.resolve("big.jpg");
        Files.write(photo, SamplePhotos.bad(SamplePhotos.Defect.WRONG_SIZE, 3));
        CliRun capture = enrolled.run("capture", "--code", registry.issueCode().text(), photo.toString());
        assertEquals(ExitCodes.PHOTO_REFUSED, capture.exitCode(), capture::both);
        assertTrue(capture.err().startsWith("error: photo big.jpg refused by the specification; nothing was sealed:"),
                capture::both);
        assertTrue(capture.err().lines().anyMatch(line -> line.equals("  ERROR dimensions: photo is 600×800; must be "
                + "480×640")), capture::both);
        CliRun status = enrolled.run("status");
        assertTrue(status.out().startsWith("queued 0, in flight 0, delivered 0"), status::both);
    }

    @Test
    void expiredGarbageAndForeignCodesAreRefused() throws Exception {
        Path photo = temp.resolve("good.jpg");
        Files.write(photo, SamplePhotos.good(4));
        Instant now = Instant.now();
        IssuedCode expired = registry.issueCode(10337, now.minus(Duration.ofDays(5)), now.minus(Duration.ofDays(1)));
        CliRun old = enrolled.run("capture", "--code", expired.text(), photo.toString());
        assertEquals(ExitCodes.CODE_REFUSED, old.exitCode(), old::both);
        assertTrue(old.err().startsWith("error: code " + expired.codeId() + " expired at"), old::both);

        CliRun garbage = enrolled.run(Map.of(), "hello\n", "capture", "--code-stdin", photo.toString());
        assertEquals(ExitCodes.CODE_REFUSED, garbage.exitCode(), garbage::both);

        IssuedCode foreign = registry.issueCode(20001, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)));
        CliRun otherSchool = enrolled.run("capture", "--code", foreign.text(), photo.toString());
        assertEquals(ExitCodes.CODE_REFUSED, otherSchool.exitCode(), otherSchool::both);
        assertTrue(otherSchool.err().contains("20001"), otherSchool::both);
    }

    @Test
    void unknownSettingIsNamedWithItsFile() throws Exception {
        TestStation station = initialised("typo");
        Files.writeString(station.station().config(), "upload.chunksize=1MiB\n",
                java.nio.file.StandardOpenOption.APPEND);
        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.STATION, upload.exitCode(), upload::both);
        assertTrue(upload.err().contains("unknown setting 'upload.chunksize'"), upload::both);
    }

    @Test
    void badCheckSettingAndBadOptionsAreNamed() throws Exception {
        TestStation station = initialised("bad-check");
        Files.writeString(station.station().config(), "capture.check.dimension=off\n",
                java.nio.file.StandardOpenOption.APPEND);
        CliRun capture = station.run("capture", "--code", "x", "photo.jpg");
        assertEquals(ExitCodes.STATION, capture.exitCode(), capture::both);
        assertTrue(capture.err().contains("setting capture.check.dimension (from "), capture::both);

        CliRun window = enrolled.run("upload", "--window", "late");
        assertEquals(ExitCodes.USAGE, window.exitCode(), window::both);
        assertTrue(window.err().contains("--window: upload window must look like 22:00-06:00"), window::both);
    }

    @Test
    void trustRefreshCountsNewRevocationsAndTheRevokedCodeIsRefused() throws Exception {
        IssuedCode code = registry.issueCode();
        registry.revokeCode(code.codeId());
        CliRun refresh = enrolled.run("trust", "refresh", "--json");
        assertEquals(ExitCodes.OK, refresh.exitCode(), refresh::both);
        com.fasterxml.jackson.databind.JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(refresh.out());
        assertTrue(result.get("sequence").asLong() > result.get("previousSequence").asLong(), refresh::both);
        assertTrue(result.get("revokedCodes").get("added").asInt() >= 1, refresh::both);

        CliRun verify = enrolled.run("code", "verify", code.text());
        assertEquals(ExitCodes.CODE_REFUSED, verify.exitCode(), verify::both);
        assertTrue(verify.err().contains("revoked"), verify::both);
    }

    @Test
    void aRevokedStationIsToldSo() throws Exception {
        TestStation station = initialised("revoked");
        TestStation.enroll(station, registry.enrollmentToken());
        String stationId = dev.codebound.protocol.pki.Certificates.commonName(
                dev.codebound.protocol.pki.PemFiles.readCertificates(station.station().certificate()).get(0));
        registry.revokeStation(stationId);
        CliRun refresh = station.run("trust", "refresh");
        assertEquals(ExitCodes.REGISTRY_REFUSED, refresh.exitCode(), refresh::both);
        assertTrue(refresh.out().contains("revoked stations: 1 (+1)"), refresh::both);
        assertTrue(refresh.err().startsWith("error: the registry has revoked this station's certificate (station "
                + stationId), refresh::both);
    }

    @Test
    void outsideTheWindowNothingStartsAndThatIsNoFailure() {
        java.time.LocalTime later = java.time.LocalTime.now().plusHours(2).withSecond(0).withNano(0);
        String window = later.toString() + "-" + later.plusHours(1);
        CliRun upload = enrolled.run("upload", "--window", window);
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertTrue(upload.out().startsWith("the upload window " + window + " is closed; nothing was started"),
                upload::both);
    }

    @Test
    void operatorActionsNameUnknownEntries() {
        CliRun retry = enrolled.run("retry", "abcd");
        assertEquals(ExitCodes.USAGE, retry.exitCode(), retry::both);
        assertTrue(retry.err().contains("no spool entry id starts with abcd"), retry::both);
        CliRun remove = enrolled.run("remove", "xyz");
        assertEquals(ExitCodes.USAGE, remove.exitCode(), remove::both);
        assertTrue(remove.err().contains("is not an entry id"), remove::both);
    }
}
