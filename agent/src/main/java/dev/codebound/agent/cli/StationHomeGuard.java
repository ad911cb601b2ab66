package dev.codebound.agent.cli;

import dev.codebound.agent.station.StationException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs the chosen command only when its station home exists. One check before every command, so
 * that a typo in {@code CODEBOUND_HOME} or {@code --home} is named ("no station home at …; run
 * init") instead of showing an empty, healthy station, and no command can forget it. {@code init}
 * creates the home and is exempt, as are commands without a home ({@code quickstart}) and help.
 */
final class StationHomeGuard implements CommandLine.IExecutionStrategy {
    private final CommandLine.IExecutionStrategy next;

    StationHomeGuard(CommandLine.IExecutionStrategy next) {
        this.next = next;
    }

    @Override
    public int execute(ParseResult parseResult) {
        ParseResult command = ParsedLine.leaf(parseResult);
        HomeOption home = homeOption(command.commandSpec());
        if (!ParsedLine.helpRequested(parseResult) && home != null
                && !(command.commandSpec().userObject() instanceof InitCommand)) {
            try {
                home.home().requireExists();
            } catch (StationException e) {
                throw new CommandLine.ExecutionException(command.commandSpec().commandLine(), e.getMessage(), e);
            }
        }
        return next.execute(parseResult);
    }

    private static HomeOption homeOption(CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof HomeOption home) {
                return home;
            }
        }
        return null;
    }
}
