package dev.codebound.agent.cli;

import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolBusyException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --home} option every command shares, and the command's view of the station: its
 * home and its {@link StationContext} (settings, trust, credentials), read through the injected
 * {@link AgentEnvironment}.
 */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR",
            description = "Station home directory (default: $" + StationHome.ENVIRONMENT_VARIABLE + ", else ./"
                    + StationHome.DEFAULT_DIRECTORY + ").")
    Path home;

    /** The command this option belongs to: named as the spool's holder, for 'status'. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private final AgentEnvironment environment;
    private StationContext context;

    /** Created by {@link AgentFactory} with the environment of the command line it belongs to. */
    HomeOption(AgentEnvironment environment) {
        this.environment = environment;
    }

    /** For picocli's default factory (a command line built without {@link AgentFactory}). */
    HomeOption() {
        this(AgentEnvironment.system());
    }

    /** The station home as named; {@link StationHomeGuard} has checked that it exists, except for {@code init}. */
    StationHome home() {
        return StationHome.resolve(home, environment.variables());
    }

    /**
     * The station as this command sees it, loaded on first use and kept for the command's run: its
     * key is unlocked at most once.
     */
    StationContext context() throws StationException {
        if (context == null) {
            context = StationContext.load(home(), environment.variables(), Clock.systemUTC());
        }
        return context;
    }

    /** Opens the spool; another agent process holding it is a station condition (exit 3), not a crash. */
    Spool openSpool() throws IOException, AgentFailure {
        try {
            return Spool.open(home().spool(), Clock.systemUTC(), command == null ? null : command.name());
        } catch (SpoolBusyException e) {
            throw new AgentFailure(ExitCodes.STATION, e.getMessage() + " (an upload, capture or watch is "
                    + "running); try again when it has finished", e);
        }
    }

    AgentEnvironment environment() {
        return environment;
    }
}
