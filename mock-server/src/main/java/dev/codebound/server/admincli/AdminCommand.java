package dev.codebound.server.admincli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code codebound-mock-server admin}: the admin API of a running registry from the command line.
 * A subcommand of the server's own command, so the one jar both runs the registry (no subcommand)
 * and administers one (docs/admin-cli.md).
 */
@Command(name = "admin", mixinStandardHelpOptions = true, version = "codebound-mock-server admin 0.1.0",
        description = "Administer a running mock registry: codes, stations, enrollment tokens, the fault plan, "
                + "the request journal and the log checkpoint.",
        subcommands = {CodesCommand.class, StationsCommand.class, EnrollmentTokenCommand.class, FaultsCommand.class,
            JournalCommand.class, CheckpointCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:unexpected internal error",
            "2:invalid command-line usage (also: no admin token, no CA for https)",
            "3:a file given is missing, unreadable or invalid (token, CA, CSV, plan)",
            "4:the registry refused the admin token",
            "6:registry unreachable, or not the trusted CA's",
            "7:the registry refused the request"})
public final class AdminCommand {
    private final Map<String, String> environment;

    /** Inherited by every subcommand, so they may be given before or after it. */
    @Mixin
    RegistryOptions registry;

    /** {@code environment}: where {@value RegistryOptions#TOKEN_VARIABLE} is read (the process's, or a test's). */
    public AdminCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    Map<String, String> environment() {
        return environment;
    }

    RegistryOptions registry() {
        return registry;
    }
}
