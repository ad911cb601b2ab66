package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeVerifyCommandTest {
    static final Instant NOW = Instant.now();
    static RegistryKeyring registry;
    static IssuedCode code;
    static IssuedCode expired;

    @TempDir
    static Path home;

    @BeforeAll
    static void enrollStation() throws Exception {
        registry = RegistryKeyring.generate("CLI Registry", NOW.minus(Duration.ofDays(10)), Duration.ofDays(400));
        StationTrust trust = new StationTrust(new StationHome(home));
        trust.pin(registry.authority().certificate());
        trust.update(TrustBundleCodec.sign(registry.trustBundle(1, NOW), registry.authority().privateKey()), "test");
        CodeIssuer issuer = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate());
        StudentIdentity student = new StudentIdentity("2023001", "张三", "11010519491231002X");
        code = issuer.issue(student, 10337, 2027, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
        expired = issuer.issue(student, 10337, 2027, NOW.minus(Duration.ofDays(5)), NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void validCodeShowsOnlyWhatTheStationMaySee() {
        CliRun run = CliRun.of("code", "verify", "--home", home.toString(), code.text());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("code id:  " + code.codeId()), run.out());
        assertTrue(run.out().contains("school:   10337"), run.out());
        assertTrue(run.out().contains("name:     张*"), run.out());
    }

    @Test
    void readsTheCodeFromAQrImage() throws Exception {
        Path png = home.resolve("code.png");
        Files.write(png, QrCodes.renderPng(code.text(), 400));
        CliRun run = CliRun.of("code", "verify", "--home", home.toString(), "--qr", png.toString(), "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"valid\":true") && run.out().contains("\"codeId\":\"" + code.codeId()),
                run.out());
    }

    @Test
    void refusedCodeExitsWithItsCodeAndReason() {
        CliRun run = CliRun.of("code", "verify", "--home", home.toString(), expired.text());
        assertEquals(ExitCodes.CODE_REFUSED, run.exitCode());
        assertTrue(run.err().startsWith("error: code " + expired.codeId() + " expired at"), run.err());

        CliRun json = CliRun.of("code", "verify", "--home", home.toString(), "--json", "hello");
        assertEquals(ExitCodes.CODE_REFUSED, json.exitCode());
        assertTrue(json.out().contains("\"reason\":\"MALFORMED\""), json.out());
    }

    @Test
    void stationWithoutTrustIsToldWhatToRun(@TempDir Path empty) {
        CliRun run = CliRun.of("code", "verify", "--home", empty.toString(), code.text());
        assertEquals(ExitCodes.STATION, run.exitCode());
        assertTrue(run.err().startsWith("error: no station home at " + empty), run.err());
        assertTrue(run.err().contains("run 'codebound-agent init'"), run.err());
    }

    @Test
    void missingArgumentIsAUsageError() {
        CliRun run = CliRun.of("code", "verify");
        assertEquals(ExitCodes.USAGE, run.exitCode());
    }
}
