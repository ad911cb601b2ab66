package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.CertificateAuthority;
import dev.codebound.protocol.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A station home that is not there (a typo in CODEBOUND_HOME) is named as such by every command,
 * instead of showing an empty, healthy station; and a home that cannot be created is one line, not
 * a stack trace.
 */
class StationHomeRequiredTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"status", "status --json", "upload", "retry 1234", "remove 1234", "enroll",
        "trust refresh", "code verify CB1-ANYTHING", "capture --code CB1-ANYTHING photo.jpg", "watch --once .",
        "audit verify", "audit show", "audit export", "audit checkpoint"})
    void everyCommandButInitRefusesAMissingHome(String command) throws Exception {
        Path typo = temp.resolve("codebound-statoin");
        Files.writeString(temp.resolve("photo.jpg"), "not read");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.replaceAll(arg -> arg.equals("photo.jpg") || arg.equals(".") ? temp.resolve(arg).toString() : arg);
        CliRun run = CliRun.with(Map.of("CODEBOUND_HOME", typo.toString(), EnrollCommand.TOKEN_VARIABLE, "CBE-X"),
                "", args.toArray(String[]::new));

        assertEquals(ExitCodes.STATION, run.exitCode(), run::both);
        String expected = "no station home at " + typo + "; run 'codebound-agent init'";
        if (args.contains("--json")) {
            // With --json the error is a JSON object on standard output.
            assertTrue(run.out().startsWith("{\"error\":") && run.out().contains(expected), run::both);
        } else {
            assertTrue(run.err().startsWith("error: " + expected), run::both);
        }
        assertFalse(Files.exists(typo), "nothing was created at the mistyped path");
    }

    @Test
    void helpNeedsNoHome() {
        CliRun help = CliRun.with(Map.of("CODEBOUND_HOME", temp.resolve("nowhere").toString()), "", "status", "--help");
        assertEquals(ExitCodes.OK, help.exitCode(), help::both);
        assertTrue(help.out().contains("Usage: codebound-agent status"), help::both);
    }

    @Test
    void aDirectoryThatIsNoStationHomeIsNamedSo() {
        CliRun run = CliRun.with(Map.of("CODEBOUND_HOME", temp.toString()), "", "status");
        assertEquals(ExitCodes.STATION, run.exitCode(), run::both);
        assertTrue(run.err().startsWith("error: no station home at " + temp + " (the directory exists but holds neither "
                + "config.properties nor registry-ca.pem)"), run::both);
    }

    @Test
    void aHomeThatCannotBeCreatedIsOneLineWithExitThree() throws Exception {
        Path ca = temp.resolve("registry-ca.pem");
        Instant now = Instant.now();
        PemFiles.writeCertificates(ca, List.of(CertificateAuthority.create("Test Registry CA",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).certificate()));
        CliRun init = CliRun.of("init", "--home", "/proc/codebound", "--registry-url", "https://127.0.0.1:8443",
                "--registry-ca", ca.toString(), "--no-passphrase");

        assertEquals(ExitCodes.STATION, init.exitCode(), init::both);
        assertTrue(init.err().startsWith("error: cannot create the station home at /proc/codebound: "), init::both);
        assertEquals(1, init.err().lines().count(), "one line, no stack trace: " + init.both());
    }
}
