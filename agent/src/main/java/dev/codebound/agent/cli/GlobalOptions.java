package dev.codebound.agent.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The options a user may give before the subcommand ({@code codebound-agent --home DIR --json status})
 * as well as after it. {@code --home} and {@code --json} belong to each subcommand; given before it,
 * they are handed to the subcommand that runs unless it was given its own. {@code -q} and {@code -v}
 * are inherited by every subcommand, so they are accepted anywhere on the line.
 */
final class GlobalOptions {
    static final String HOME = "--home";
    static final String JSON = "--json";

    @Option(names = HOME, paramLabel = "DIR", description = "Station home for the subcommand (as its own --home).")
    Path home;

    @Option(names = JSON, description = "Print the subcommand's result, and any error, as JSON (as its own --json).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print nothing but errors; the exit code tells the outcome.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "On an error, also print its causes and stack trace.")
    boolean verbose;

    /**
     * An execution strategy that applies these options to the subcommand that runs, then hands over
     * to {@code next}. {@code --help} and {@code --version} are answered whatever else the line holds.
     */
    CommandLine.IExecutionStrategy before(CommandLine.IExecutionStrategy next) {
        return parseResult -> {
            if (!ParsedLine.helpRequested(parseResult)) {
                applyTo(ParsedLine.leaf(parseResult));
            }
            return next.execute(parseResult);
        };
    }

    /**
     * Hands the options given before the subcommand to the subcommand that runs ({@code leaf}), and
     * silences its standard output for {@code --quiet}.
     *
     * @throws CommandLine.ParameterException when {@code --home} or {@code --json} is given to a command that
     *         has no use for it
     */
    void applyTo(ParseResult leaf) {
        CommandLine command = leaf.commandSpec().commandLine();
        if (home != null) {
            if (leaf.commandSpec().findOption(HOME) == null) {
                throw new CommandLine.ParameterException(command, "'" + leaf.commandSpec().qualifiedName()
                        + "' uses no station home; drop --home");
            }
            hand(leaf, HOME, home);
        }
        if (json) {
            if (leaf.commandSpec().findOption(JSON) == null) {
                throw new CommandLine.ParameterException(command, "'" + leaf.commandSpec().qualifiedName()
                        + "' has no JSON output; drop --json, or name one of its subcommands");
            }
            hand(leaf, JSON, true);
        }
        if (quiet) {
            command.setOut(new PrintWriter(OutputStream.nullOutputStream(), true));
        }
    }

    /** Whether the run that {@code parseResult} describes asked for JSON, before or after the subcommand. */
    static boolean jsonRequested(ParseResult parseResult) {
        OptionSpec option = ParsedLine.leaf(parseResult).commandSpec().findOption(JSON);
        return option != null && Boolean.TRUE.equals(option.getValue()) || parseResult.hasMatchedOption(JSON);
    }

    private static void hand(ParseResult leaf, String name, Object value) {
        OptionSpec option = leaf.commandSpec().findOption(name);
        if (option != null && !leaf.hasMatchedOption(name)) {
            option.setValue(value);
        }
    }
}
