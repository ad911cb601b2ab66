package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.IssuedCode;
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

/** Options before the subcommand, JSON errors, quiet and verbose runs. */
class GlobalOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static IssuedCode code;

    @TempDir
    static Path home;

    @BeforeAll
    static void trustARegistry() throws Exception {
        Instant now = Instant.now();
        RegistryKeyring registry = RegistryKeyring.generate("CLI Registry", now.minus(Duration.ofDays(10)),
                Duration.ofDays(400));
        StationTrust trust = new StationTrust(new StationHome(home));
        trust.pin(registry.authority().certificate());
        trust.update(TrustBundleCodec.sign(registry.trustBundle(1, now), registry.authority().privateKey()), "test");
        code = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate()).issue(
                new StudentIdentity("2023001", "张三", "11010519491231002X"), 10337, 2027,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    @Test
    void homeAndJsonMayComeBeforeTheSubcommand() throws Exception {
        CliRun run = CliRun.of("--home", home.toString(), "--json", "code", "verify", code.text());
        assertEquals(ExitCodes.OK, run.exitCode(), run::both);
        assertEquals(code.codeId(), JSON.readTree(run.out()).get("codeId").asText(), run.out());
    }

    @Test
    void theSubcommandsOwnHomeWins(@TempDir Path empty) throws Exception {
        CliRun run = CliRun.of("--home", home.toString(), "code", "verify", "--home", empty.toString(), code.text());
        assertEquals(ExitCodes.STATION, run.exitCode(), run::both);
    }

    @Test
    void withJsonAnErrorIsAJsonObjectOnStandardOutput(@TempDir Path empty) throws Exception {
        CliRun run = CliRun.of("--json", "code", "verify", "--home", empty.toString(), code.text());
        assertEquals(ExitCodes.STATION, run.exitCode(), run::both);
        JsonNode error = JSON.readTree(run.out()).get("error");
        assertEquals(ExitCodes.STATION, error.get("exitCode").asInt());
        assertEquals("station", error.get("kind").asText());
        assertTrue(error.get("message").asText().contains("run 'codebound-agent init'"), run.out());
        assertEquals("", run.err(), "nothing but the JSON object");
    }

    @Test
    void captureWithJsonReportsARefusedCodeAsJson() throws Exception {
        Path photo = Files.write(home.resolve("photo.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8});
        CliRun run = CliRun.of("capture", "--home", home.toString(), "--json", "--code", "not a code",
                photo.toString());
        assertEquals(ExitCodes.CODE_REFUSED, run.exitCode(), run::both);
        JsonNode error = JSON.readTree(run.out()).get("error");
        assertEquals("code-refused", error.get("kind").asText(), run.out());
    }

    @Test
    void aUsageErrorWithJsonIsJsonToo() throws Exception {
        CliRun run = CliRun.of("--json", "code", "verify", "--home", home.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::both);
        assertEquals("usage", JSON.readTree(run.out()).get("error").get("kind").asText(), run.out());
    }

    @Test
    void aUsageErrorSaysWhatWasWrongAndWhereToLook() {
        CliRun run = CliRun.of("code", "verify", "--home", home.toString(), "--no-such-option", code.text());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::both);
        assertTrue(run.err().startsWith("error: Unknown option: '--no-such-option'"), run.err());
        assertTrue(run.err().contains("Try 'codebound-agent code verify --help'"), run.err());
    }

    @Test
    void optionsACommandHasNoUseForAreRefused() {
        CliRun json = CliRun.of("--json", "trust");
        assertEquals(ExitCodes.USAGE, json.exitCode(), json::both);
        assertTrue(json.out().contains("'codebound-agent trust' has no JSON output"), json.out());

        CliRun quickstart = CliRun.of("--home", home.toString(), "quickstart", "--help");
        assertEquals(ExitCodes.OK, quickstart.exitCode(), "help is always answered: " + quickstart.both());
        CliRun noHome = CliRun.of("--home", home.toString(), "generate-completion");
        assertEquals(ExitCodes.USAGE, noHome.exitCode(), noHome::both);
        assertTrue(noHome.err().contains("uses no station home"), noHome.err());
    }

    @Test
    void quietPrintsNothingButErrorsWhereverItIsGiven() {
        for (String[] args : new String[][] {
            {"-q", "code", "verify", "--home", home.toString(), code.text()},
            {"code", "verify", "--quiet", "--home", home.toString(), code.text()}}) {
            CliRun run = CliRun.of(args);
            assertEquals(ExitCodes.OK, run.exitCode(), run::both);
            assertEquals("", run.out() + run.err());
        }
        CliRun refused = CliRun.of("-q", "code", "verify", "--home", home.toString(), "not a code");
        assertEquals(ExitCodes.CODE_REFUSED, refused.exitCode());
        assertTrue(refused.err().startsWith("error: "), refused::both);
    }

    @Test
    void verboseAddsTheStackTraceOfAnExpectedError(@TempDir Path empty) {
        CliRun plain = CliRun.of("code", "verify", "--home", empty.toString(), code.text());
        assertFalse(plain.err().contains("\tat "), plain.err());
        CliRun verbose = CliRun.of("-v", "code", "verify", "--home", empty.toString(), code.text());
        assertEquals(ExitCodes.STATION, verbose.exitCode());
        assertTrue(verbose.err().contains("\tat dev.codebound."), verbose.err());
    }
}
