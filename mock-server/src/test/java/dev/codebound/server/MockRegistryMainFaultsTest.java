package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --faults FILE}: a bad file is a usage error (exit code 2) with a message naming the file and field. */
class MockRegistryMainFaultsTest {
    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {}

    private Outcome run(String planJson) throws Exception {
        Path plan = dir.resolve("plan.json");
        if (planJson != null) {
            Files.writeString(plan, planJson.replace('\'', '"'));
        }
        StringWriter err = new StringWriter();
        int code = MockRegistryMain.commandLine().setErr(new PrintWriter(err, true))
                .execute("--plain", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                        "--faults", plan.toString());
        return new Outcome(code, err.toString());
    }

    @Test
    void notJson() throws Exception {
        Outcome outcome = run("{'rules': [");
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().startsWith("error: --faults " + dir.resolve("plan.json") + ": not valid JSON"),
                outcome.err());
    }

    @Test
    void badField() throws Exception {
        Outcome outcome = run("{'rules':[{'route':'*','script':[1],'action':{'type':'delay','ms':-5}}]}");
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().contains(": rules[0].action.ms: must be from 1 to 600000, got -5"), outcome.err());
    }

    @Test
    void unknownRoute() throws Exception {
        Outcome outcome = run("{'rules':[{'route':'PATCH /uploads/{id}','script':[1],'action':{'type':'reset'}}]}");
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().contains(": rules[0].route: no route named \"PATCH /uploads/{id}\""), outcome.err());
    }

    @Test
    void missingFile() throws Exception {
        Outcome outcome = run(null);
        assertEquals(2, outcome.exitCode());
        assertTrue(outcome.err().startsWith("error: cannot read --faults "), outcome.err());
    }
}
