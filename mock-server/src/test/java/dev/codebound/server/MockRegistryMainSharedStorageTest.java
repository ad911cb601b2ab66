package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared-storage options: usage errors say what to give, and the password never shows. */
class MockRegistryMainSharedStorageTest {
    private static final String PASSWORD = "s3cret-Pa55word";

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {}

    private Outcome run(Map<String, String> environment, String... options) {
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--plain", "--port", "0", "--data-dir",
                dir.resolve("data").toString()));
        args.addAll(List.of(options));
        int code = MockRegistryMain.commandLine(environment).setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        return new Outcome(code, err.toString());
    }

    @Test
    void theObjectStoreAndTheDatabaseGoTogether() {
        Outcome objectsAlone = run(Map.of(), "--objects", dir.resolve("objects").toString());
        assertEquals(2, objectsAlone.exitCode());
        assertTrue(objectsAlone.err().contains("go with --postgres-url"), objectsAlone.err());

        Outcome databaseAlone = run(Map.of(), "--postgres-url", "jdbc:postgresql://127.0.0.1:5432/codebound");
        assertEquals(2, databaseAlone.exitCode());
        assertTrue(databaseAlone.err().contains("--postgres-url needs --objects DIR"), databaseAlone.err());
    }

    @Test
    void poolSizesGoWithTheDatabaseAndMustBePositive() {
        Outcome alone = run(Map.of(), "--postgres-pool-size", "4");
        assertEquals(2, alone.exitCode());
        assertTrue(alone.err().contains("go with --postgres-url"), alone.err());

        Outcome none = run(Map.of(), "--postgres-url", "jdbc:postgresql://127.0.0.1:5432/codebound", "--objects",
                dir.resolve("objects").toString(), "--postgres-lock-sessions", "0");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("at least one connection each"), none.err());
    }

    @Test
    void aUrlOfAnotherDatabaseOrCarryingThePasswordIsRefused() {
        Outcome mysql = run(Map.of(), "--postgres-url", "jdbc:mysql://127.0.0.1/codebound", "--objects",
                dir.resolve("objects").toString());
        assertEquals(2, mysql.exitCode());
        assertTrue(mysql.err().contains("must start with jdbc:postgresql://"), mysql.err());

        Outcome withPassword = run(Map.of(), "--postgres-url", "jdbc:postgresql://127.0.0.1/codebound?password="
                + PASSWORD, "--objects", dir.resolve("objects").toString());
        assertEquals(2, withPassword.exitCode());
        assertTrue(withPassword.err().contains("must not carry the password"), withPassword.err());
    }

    @Test
    void anEmptyPasswordFileIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("password"), "");
        Outcome outcome = run(Map.of(), "--postgres-url", "jdbc:postgresql://127.0.0.1/codebound", "--objects",
                dir.resolve("objects").toString(), "--postgres-password-file", file.toString());
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().contains("the database password file " + file + " is empty"), outcome.err());
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsTheStartWithoutShowingThePassword() throws IOException {
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/codebound";
        Path file = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Outcome fromFile = run(Map.of(), "--postgres-url", url, "--objects", dir.resolve("objects").toString(),
                "--postgres-password-file", file.toString());
        Outcome fromEnvironment = run(Map.of("CODEBOUND_POSTGRES_PASSWORD", PASSWORD), "--postgres-url", url,
                "--objects", dir.resolve("objects").toString());
        for (Outcome outcome : List.of(fromFile, fromEnvironment)) {
            assertEquals(1, outcome.exitCode());
            assertTrue(outcome.err().contains("127.0.0.1"), outcome.err());
            assertFalse(outcome.err().contains(PASSWORD), "the password must never be shown: " + outcome.err());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
