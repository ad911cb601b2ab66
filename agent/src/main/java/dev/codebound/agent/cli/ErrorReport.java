package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * How a failed command tells the operator, or the script that drives it, what went wrong: one
 * {@code error: ...} line on standard error, or with {@code --json} one JSON object on standard
 * output, so that a script reading the command's JSON always gets JSON:
 *
 * <pre>{"error":{"exitCode":3,"kind":"station","message":"no station home at ...; run init"}}</pre>
 *
 * <p>The stack trace is printed for unexpected failures (exit 1, a bug to report) and, with
 * {@code --verbose}, for every failure; never in JSON.
 */
final class ErrorReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int exitCode;
    private final String message;
    private final Throwable failure;

    ErrorReport(int exitCode, String message, Throwable failure) {
        this.exitCode = exitCode;
        this.message = message;
        this.failure = failure;
    }

    /** Writes the report: JSON to {@code out}, or a line (and maybe a stack trace) to {@code err}. */
    void print(PrintWriter out, PrintWriter err, boolean json, boolean verbose) {
        if (json) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error").put("exitCode", exitCode).put("kind", ExitCodes.kind(exitCode))
                    .put("message", message);
            out.println(error);
            out.flush();
            return;
        }
        err.println("error: " + message);
        if (failure != null && (verbose || exitCode == ExitCodes.INTERNAL)) {
            failure.printStackTrace(err);
        }
        err.flush();
    }
}
