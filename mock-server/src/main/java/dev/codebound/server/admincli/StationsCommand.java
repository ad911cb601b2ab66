package dev.codebound.server.admincli;

import picocli.CommandLine.Command;

/** {@code admin stations}: list and revoke enrolled stations. */
@Command(name = "stations", mixinStandardHelpOptions = true, description = "List and revoke enrolled stations.",
        subcommands = {StationListCommand.class, StationRevokeCommand.class})
final class StationsCommand {}
