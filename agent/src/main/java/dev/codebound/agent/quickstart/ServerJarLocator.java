package dev.codebound.agent.quickstart;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;

/**
 * Finds the mock registry's jar from where the agent itself was loaded, so that {@code quickstart}
 * works from any working directory. Two layouts are known:
 *
 * <ul>
 *   <li>packaged: both jars in one directory ({@code lib/codebound-agent.jar} beside
 *       {@code lib/codebound-mock-server.jar});</li>
 *   <li>the build tree: {@code agent/target/codebound-agent.jar} (or {@code agent/target/classes})
 *       and {@code mock-server/target/codebound-mock-server.jar}.</li>
 * </ul>
 */
public final class ServerJarLocator {
    /** The mock registry's shaded jar, as its pom names it. */
    public static final String JAR_NAME = "codebound-mock-server.jar";

    private final Path agentLocation;

    /**
     * @param agentLocation the agent's jar, or the classes directory it runs from (in the build tree)
     */
    public ServerJarLocator(Path agentLocation) {
        this.agentLocation = agentLocation.toAbsolutePath().normalize();
    }

    /** A locator for the agent running now: its code source is the jar (or classes directory) it came from. */
    public static ServerJarLocator ofRunningAgent() {
        CodeSource source = ServerJarLocator.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("the agent's own location is unknown (no code source)");
        }
        try {
            return new ServerJarLocator(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("the agent's own location " + source.getLocation()
                    + " is not a file path", e);
        }
    }

    /** Where the jar is looked for, in order. */
    public List<Path> candidates() {
        // The directory holding the agent jar, or the build's target/ directory holding target/classes.
        Path directory = agentLocation.getParent();
        return List.of(directory.resolve(JAR_NAME),
                directory.resolve("../../mock-server/target").resolve(JAR_NAME).normalize());
    }

    /** The first candidate that is a file. */
    public Optional<Path> locate() {
        return candidates().stream().filter(Files::isRegularFile).findFirst();
    }
}
