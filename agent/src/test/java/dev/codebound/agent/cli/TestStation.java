package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.registry.junit.CodeboundRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A station home for end-to-end tests, with its environment (home and passphrase) kept out of argv. */
record TestStation(Path home, Map<String, String> environment) {
    static final String PASSPHRASE = "correct horse battery staple";

    static TestStation in(Path home) {
        return new TestStation(home, Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                StationKeys.PASSPHRASE_VARIABLE, PASSPHRASE));
    }

    /** A station without a passphrase in its environment: init needs --no-passphrase, key loads are instant. */
    static TestStation unencrypted(Path home) {
        return new TestStation(home, Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString()));
    }

    /** Runs a command with the station's environment. */
    CliRun run(String... args) {
        return CliRun.with(environment, "", args);
    }

    /** Runs a command with extra variables ({@code null} values remove one) and standard input. */
    CliRun run(Map<String, String> extra, String stdin, String... args) {
        Map<String, String> variables = new HashMap<>(environment);
        extra.forEach((key, value) -> {
            if (value == null) {
                variables.remove(key);
            } else {
                variables.put(key, value);
            }
        });
        return CliRun.with(variables, stdin, args);
    }

    StationHome station() {
        return new StationHome(home);
    }

    /** init, then enroll with a fresh token: a station ready to capture. */
    static TestStation enrolled(TestStation station, CodeboundRegistry registry, String... initOptions)
            throws Exception {
        String[] init = new String[4 + initOptions.length];
        init[0] = "init";
        init[1] = "--registry-url=" + registry.baseUri();
        init[2] = "--registry-ca=" + registry.caCertificateFile();
        init[3] = "--schools=10337";
        System.arraycopy(initOptions, 0, init, 4, initOptions.length);
        CliRun initRun = station.run(init);
        assertEquals(ExitCodes.OK, initRun.exitCode(), initRun::both);
        return enroll(station, registry.enrollmentToken());
    }

    /** enroll with {@code token}, which must succeed. */
    static TestStation enroll(TestStation station, String token) {
        CliRun enroll = station.run(Map.of(EnrollCommand.TOKEN_VARIABLE, token), "", "enroll");
        assertEquals(ExitCodes.OK, enroll.exitCode(), enroll::both);
        return station;
    }
}
