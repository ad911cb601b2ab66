package dev.codebound.agent.cli;

import picocli.CommandLine.Command;

/** {@code trust}: the station's trust in the registry. */
@Command(name = "trust", mixinStandardHelpOptions = true, description = "The station's trust bundle.",
        subcommands = {TrustRefreshCommand.class})
final class TrustCommand {
}
