package dev.codebound.bench;

import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code codebound-agent} commands through the agent's own command line inside the bench's JVM, so
 * that a benchmark measures a warm, running process as {@code serve} or a long {@code watch} is.
 */
public final class InProcessAgent {
    private InProcessAgent() {
    }

    /**
     * Runs the command {@code args} with {@code environment} and {@code stdin} (none when null); its
     * output is kept and shown only if it fails.
     *
     * @throws IllegalStateException when the command exits non-zero, with its output
     */
    public static void run(Map<String, String> environment, String stdin, String... args) {
        byte[] input = stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
        CommandLine command = AgentCommand.commandLine(new AgentEnvironment(environment,
                new ByteArrayInputStream(input), false));
        StringWriter output = new StringWriter();
        command.setOut(new PrintWriter(output));
        command.setErr(new PrintWriter(output));
        int exit = command.execute(args);
        if (exit != 0) {
            throw new IllegalStateException("codebound-agent " + args[0] + " failed with exit code " + exit + ":\n"
                    + output);
        }
    }
}
