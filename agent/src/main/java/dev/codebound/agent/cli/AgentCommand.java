package dev.codebound.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code codebound-agent} command: the capture station's entry point. */
@Command(name = "codebound-agent", mixinStandardHelpOptions = true, version = "codebound-agent 0.1.0",
        description = "Capture-station agent: verify collection codes, seal photos, upload them to the registry.",
        subcommands = {QuickstartCommand.class})
public final class AgentCommand {
    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentCommand()).execute(args));
    }
}
