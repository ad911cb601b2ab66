package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * How a failed admin command reports, as the agent's commands do: one {@code error: ...} line on
 * standard error, or with {@code --json} one JSON object on standard output, so a script reading the
 * command's JSON always gets JSON:
 *
 * <pre>{"error":{"exitCode":4,"kind":"unauthorized","message":"the registry refused the admin token ..."}}</pre>
 *
 * <p>The stack trace is printed only for unexpected failures (exit 1, a bug to report), never in JSON.
 */
final class AdminErrorReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminErrorReport() {}

    static void print(int exitCode, String message, Throwable failure, PrintWriter out, PrintWriter err,
            boolean json) {
        if (json) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error").put("exitCode", exitCode).put("kind", AdminExitCodes.kind(exitCode))
                    .put("message", message);
            out.println(error);
            out.flush();
            return;
        }
        err.println("error: " + message);
        if (failure != null && exitCode == AdminExitCodes.INTERNAL) {
            failure.printStackTrace(err);
        }
        err.flush();
    }
}
