package dev.codebound.agent.cli;

import picocli.CommandLine.Command;

/** {@code code}: collection code operations. */
@Command(name = "code", mixinStandardHelpOptions = true, description = "Collection code operations.",
        subcommands = {CodeVerifyCommand.class})
final class CodeCommand {
}
