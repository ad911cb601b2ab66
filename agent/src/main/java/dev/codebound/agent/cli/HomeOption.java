package dev.codebound.agent.cli;

import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --home} option every command shares, and access to the station's configuration. */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR",
            description = "Station home directory (default: $" + StationHome.ENVIRONMENT_VARIABLE + ", else ./"
                    + StationHome.DEFAULT_DIRECTORY + ").")
    Path home;

    StationHome home() {
        return StationHome.resolve(home);
    }

    StationConfig config() throws StationException {
        return StationConfig.load(home(), environment());
    }

    static Map<String, String> environment() {
        return System.getenv();
    }
}
