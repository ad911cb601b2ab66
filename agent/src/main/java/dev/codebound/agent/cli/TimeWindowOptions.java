package dev.codebound.agent.cli;

import dev.codebound.agent.audit.TimeRange;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --since}/{@code --until} options of the audit export and show commands. */
final class TimeWindowOptions {
    @Option(names = "--since", paramLabel = "TIME",
            description = "Only records at or after TIME: an ISO-8601 instant (2026-11-26T04:00:00Z) or a UTC date "
                    + "(2026-11-26). Default: the beginning.")
    String since;

    @Option(names = "--until", paramLabel = "TIME",
            description = "Only records before TIME (same forms as --since). Default: the end.")
    String until;

    TimeRange range(CommandSpec spec) {
        try {
            return new TimeRange(TimeRange.parseBound(since), TimeRange.parseBound(until));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
