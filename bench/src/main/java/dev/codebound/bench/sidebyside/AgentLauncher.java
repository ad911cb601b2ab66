package dev.codebound.bench.sidebyside;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the comparison starts an agent command: {@code java -jar} on the agent's shaded jar (the JVM's
 * defaults: both JIT tiers, no class archive), or the launcher of a station installation,
 * {@code bin/codebound-agent}, as docs/agent.md installs it (C1 only, and the installation's class
 * archive when {@code bin/make-class-archive} has made one).
 *
 * @param prefix the command line before the agent's own arguments
 */
record AgentLauncher(List<String> prefix) {
    AgentLauncher {
        prefix = List.copyOf(prefix);
    }

    /** {@code java -jar JAR}, with the Java runtime the bench itself runs on. */
    static AgentLauncher javaJar(Path jar) {
        return new AgentLauncher(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
    }

    /** {@code INSTALLATION/bin/codebound-agent}. */
    static AgentLauncher installation(Path installation) {
        return new AgentLauncher(List.of(launcher(installation).toString()));
    }

    /** The launcher script of {@code installation}. */
    static Path launcher(Path installation) {
        return installation.resolve("bin").resolve("codebound-agent");
    }

    /** The class archive the launcher starts the agent with, when the installation has one. */
    static Path classArchive(Path installation) {
        return installation.resolve("lib").resolve("codebound-agent.jsa");
    }

    /** Whether {@code installation} holds a class archive. */
    static boolean hasClassArchive(Path installation) {
        return Files.isRegularFile(classArchive(installation));
    }

    /** The whole command line for {@code arguments}. */
    List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(arguments);
        return command;
    }
}
