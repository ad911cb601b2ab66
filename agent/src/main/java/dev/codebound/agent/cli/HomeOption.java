package dev.codebound.agent.cli;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.RetentionSweep;
import dev.codebound.agent.retention.SweepReport;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolBusyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
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
    /** Retention problems this command has reported already: a second sweep in the same command repeats none. */
    private final Set<String> reportedRetentionProblems = new HashSet<>();

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

    /**
     * Opens the spool, then applies the station's retention policy to it (docs/privacy.md), so that
     * every command that opens the station enforces it; another agent process holding the spool is
     * a station condition (exit 3), not a crash.
     *
     * @throws StationException when a {@code retention.*} setting is invalid (checked before the spool is opened)
     */
    Spool openSpool() throws IOException, AgentFailure, StationException {
        RetentionPolicy policy = RetentionPolicy.from(context().config());
        Spool spool;
        try {
            spool = Spool.open(home().spool(), Clock.systemUTC(), command == null ? null : command.name());
        } catch (SpoolBusyException e) {
            throw new AgentFailure(ExitCodes.STATION, e.getMessage() + " (an upload, capture or watch is "
                    + "running); try again when it has finished", e);
        }
        try {
            sweep(new RetentionSweep(home(), policy, spool, Clock.systemUTC()), null);
        } catch (RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    /**
     * Applies the retention policy again, recording in {@code log}, which the command holds open:
     * for a command that just changed what is due (an upload that delivered envelopes).
     */
    void sweepRetention(Spool spool, TransferLog log) throws StationException {
        sweep(new RetentionSweep(home(), RetentionPolicy.from(context().config()), spool, Clock.systemUTC()), log);
    }

    /**
     * A sweep never fails the command, whose own work must go on; what it could not delete is
     * reported on standard error at once, and by {@code status} and {@code audit verify} until a
     * sweep succeeds.
     */
    private void sweep(RetentionSweep sweep, TransferLog log) {
        PrintWriter err = command == null ? new PrintWriter(System.err, true) : command.commandLine().getErr();
        try {
            SweepReport report = log == null ? sweep.run(Instant.now()) : sweep.run(Instant.now(), log);
            report.problems().stream().map(SweepReport.Problem::message).filter(reportedRetentionProblems::add)
                    .forEach(problem -> err.println("error: retention: " + problem));
        } catch (IOException e) {
            err.println("error: retention: the sweep failed: " + e.getMessage() + "; what is due stays until a "
                    + "sweep succeeds (the next command that opens the spool tries again)");
        }
        err.flush();
    }

    AgentEnvironment environment() {
        return environment;
    }
}
