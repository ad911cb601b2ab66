package dev.codebound.agent.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart finds the registry's jar from the agent's own location, not from the working directory. */
class ServerJarLocatorTest {
    @Test
    void findsTheJarInTheBuildTreeBesideTheAgentJar(@TempDir Path tree) throws Exception {
        Path agentJar = touch(tree.resolve("agent/target/codebound-agent.jar"));
        Path serverJar = touch(tree.resolve("mock-server/target/codebound-mock-server.jar"));
        assertEquals(Optional.of(serverJar), new ServerJarLocator(agentJar).locate());
    }

    @Test
    void findsTheJarFromTheClassesDirectoryOfABuild(@TempDir Path tree) throws Exception {
        Path classes = Files.createDirectories(tree.resolve("agent/target/classes"));
        Path serverJar = touch(tree.resolve("mock-server/target/codebound-mock-server.jar"));
        assertEquals(Optional.of(serverJar), new ServerJarLocator(classes).locate());
    }

    @Test
    void prefersAJarInTheSameDirectoryForAPackagedLayout(@TempDir Path tree) throws Exception {
        Path agentJar = touch(tree.resolve("opt/codebound/lib/codebound-agent.jar"));
        Path serverJar = touch(tree.resolve("opt/codebound/lib/codebound-mock-server.jar"));
        assertEquals(Optional.of(serverJar), new ServerJarLocator(agentJar).locate());
    }

    @Test
    void aRelativeAgentLocationIsResolvedOnceAndNothingFoundIsEmpty(@TempDir Path tree) throws Exception {
        Path agentJar = touch(tree.resolve("lib/codebound-agent.jar"));
        ServerJarLocator locator = new ServerJarLocator(agentJar);
        assertEquals(Optional.empty(), locator.locate());
        assertTrue(locator.candidates().stream().allMatch(Path::isAbsolute), locator.candidates()::toString);
    }

    @Test
    void theRunningAgentLooksInItsOwnBuildTreeWhateverTheWorkingDirectory() {
        Path expected = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
                .resolve("../mock-server/target/codebound-mock-server.jar").normalize();
        assertTrue(ServerJarLocator.ofRunningAgent().candidates().contains(expected),
                ServerJarLocator.ofRunningAgent().candidates()::toString);
    }

    private static Path touch(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.write(file, new byte[] {0x50, 0x4b});
    }
}
