package dev.codebound.agent.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.cli.AgentCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's first command, end to end: a real mock registry process from its shaded jar (built
 * by the package phase, which {@code mvn verify} runs before the agent's tests) and real commands.
 */
class QuickstartTest {
    static final Path SERVER_JAR = Path.of(System.getProperty("basedir", "."))
            .resolve("../mock-server/target/codebound-mock-server.jar").normalize();

    @Test
    void theWholeStoryRunsAsDescribed(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(SERVER_JAR), "needs the mock registry jar: run 'mvn verify', not 'mvn test'");
        StringWriter out = new StringWriter();
        StringWriter transcript = new StringWriter();
        CommandLine command = AgentCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(transcript, true));
        int exitCode = command.execute("quickstart", "--json", "--dir", dir.resolve("demo").toString(),
                "--server-jar", SERVER_JAR.toString());

        String text = transcript.toString();
        assertEquals(0, exitCode, text + out);
        JsonNode summary = new ObjectMapper().readTree(out.toString());
        assertTrue(summary.get("asExpected").asBoolean(), text);
        assertEquals(List.of(4, 3, 1, 2, 2, 1), Stream.of("codesIssued", "sealed", "refusedAtCapture", "delivered",
                "receiptsVerified", "refusedByRegistry").map(field -> summary.get(field).asInt()).toList(), out::toString);
        assertTrue(summary.get("auditPassed").asBoolean(), out::toString);
        assertTrue(text.contains("ERROR dimensions: photo is 600×800; must be 480×640"), text);
        assertTrue(text.contains("CODE_REVOKED"), text);
        assertTrue(text.contains("(signature and inclusion proof verified)"), text);
        try (var files = Files.walk(dir.resolve("demo/station"))) {
            assertTrue(files.noneMatch(path -> path.toString().endsWith(".jpg")), "no readable photo in the station");
        }
    }

    @Test
    void refusesToClearADirectoryItDidNotMake(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        IOException refused = assertThrows(IOException.class,
                () -> new Quickstart(dir, SERVER_JAR, new PrintWriter(new StringWriter()), false).run());
        assertTrue(refused.getMessage().contains("was not made by the quickstart"), refused.getMessage());
        assertTrue(Files.exists(dir.resolve("precious.txt")));
    }

    @Test
    void aMissingServerJarIsExplained(@TempDir Path dir) {
        IOException missing = assertThrows(IOException.class, () -> new Quickstart(dir.resolve("demo"),
                dir.resolve("nope.jar"), new PrintWriter(new StringWriter()), false).run());
        assertTrue(missing.getMessage().contains("does not exist; build it with"), missing.getMessage());
    }
}
