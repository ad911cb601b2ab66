package dev.codebound.agent.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/** Runs the agent's command line in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {
    /** Runs with no environment variables and empty standard input. */
    static CliRun of(String... args) {
        return with(Map.of(), "", args);
    }

    /** Runs with {@code variables} as the environment and {@code stdin} as standard input. */
    static CliRun with(Map<String, String> variables, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = AgentCommand.commandLine(new AgentEnvironment(variables,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    /** Both streams, for assertion messages. */
    String both() {
        return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
