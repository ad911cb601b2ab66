package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every admin command that calls the registry shares: the {@link RegistryOptions} (given to
 * {@code admin}, inherited by every subcommand), the client
 * they make, and the one way a result is printed (text, or one JSON object with {@code --json}).
 */
abstract class AdminLeaf implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    /** Whether this command prints JSON. */
    boolean json() {
        return admin().registry().json;
    }

    /** The client for the registry named on the command line. */
    RegistryClient client() throws AdminFailure {
        return admin().registry().client(admin().environment());
    }

    /** Prints {@code result} as one JSON line with {@code --json}, else {@code text}. */
    int print(JsonNode result, String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(json() ? result.toString() : text);
        out.flush();
        return AdminExitCodes.OK;
    }

    private AdminCommand admin() {
        for (CommandSpec command = spec; command != null; command = command.parent()) {
            if (command.userObject() instanceof AdminCommand admin) {
                return admin;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under 'admin'");
    }
}
