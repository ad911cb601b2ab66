package dev.codebound.server.admincli;

import picocli.CommandLine.Command;

/** {@code admin faults}: get, put and clear the fault plan. */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = "Get, replace or clear the fault plan (docs/registry-api.md, Fault injection).",
        subcommands = {FaultGetCommand.class, FaultPutCommand.class, FaultClearCommand.class})
final class FaultsCommand {}
