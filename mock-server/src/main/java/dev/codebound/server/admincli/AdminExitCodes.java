package dev.codebound.server.admincli;

import java.util.Map;
import picocli.CommandLine;

/**
 * The admin CLI's documented exit codes (docs/admin-cli.md). 6 and 7 mean what they mean for
 * {@code codebound-agent}, so a script that drives both reads them alike; 5 (the agent's "photo
 * refused") is not used.
 */
public final class AdminExitCodes {
    public static final int OK = 0;
    /** A bug or an unexpected failure. */
    public static final int INTERNAL = 1;
    /** Wrong command-line usage (picocli's own code), including a missing admin token or CA. */
    public static final int USAGE = 2;
    /** A file named on the command line is missing, unreadable or invalid (token, CA, CSV, plan). */
    public static final int INPUT = 3;
    /** The registry refused the admin token (or, in plain mode, this client's address). */
    public static final int UNAUTHORIZED = 4;
    /** The registry could not be reached, or its TLS identity is not the trusted CA's. */
    public static final int UNREACHABLE = 6;
    /** The registry refused the request; the message carries its reason. */
    public static final int REFUSED = 7;

    private static final Map<Integer, String> KINDS = Map.of(OK, "ok", INTERNAL, "internal", USAGE, "usage",
            INPUT, "input", UNAUTHORIZED, "unauthorized", UNREACHABLE, "unreachable", REFUSED, "registry-refused");

    private AdminExitCodes() {}

    /** A stable name for an exit code, for JSON error objects. */
    static String kind(int exitCode) {
        return KINDS.getOrDefault(exitCode, "exit-" + exitCode);
    }

    /** Maps a command's failure to its exit code. */
    static int forException(Throwable failure) {
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (failure instanceof AdminFailure admin) {
            return admin.exitCode();
        }
        return INTERNAL;
    }
}
