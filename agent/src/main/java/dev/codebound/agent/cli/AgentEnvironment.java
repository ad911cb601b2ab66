package dev.codebound.agent.cli;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

/**
 * What a command reads from its surroundings besides its arguments: environment variables,
 * standard input, and whether a person is watching a terminal. Commands never call
 * {@code System.getenv} or {@code System.in} themselves, so that tests can run them in-process
 * with a made-up environment instead of mutating the real one.
 *
 * @param variables   environment variables (secrets such as the key passphrase arrive here, never in argv)
 * @param stdin       standard input (a keyboard-wedge scanner types codes into it)
 * @param interactive whether standard output is a terminal, so progress bars make sense
 */
public record AgentEnvironment(Map<String, String> variables, InputStream stdin, boolean interactive) {
    public AgentEnvironment {
        variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
        Objects.requireNonNull(stdin, "stdin");
    }

    /** The real process environment. */
    public static AgentEnvironment system() {
        return new AgentEnvironment(System.getenv(), System.in, System.console() != null);
    }

    /** One variable, or {@code null}. */
    public String variable(String name) {
        return variables.get(name);
    }
}
