package dev.codebound.bench.sidebyside;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before anything runs, for every tool the comparison needs, and says exactly how to get what is
 * missing. It installs nothing itself: what goes on the machine is the operator's decision.
 */
final class Prerequisites {
    private Prerequisites() {}

    /** What is missing, one line each with the command that fixes it; empty when everything is there. */
    static List<String> missing(SideBySideOptions options) {
        List<String> missing = new ArrayList<>();
        for (String[] tool : new String[][] {{"rclone", "apt-get install -y rclone"},
                {"strace", "apt-get install -y strace"}, {"node", "apt-get install -y nodejs (Node 20 or newer)"},
                {"python3", "apt-get install -y python3"}}) {
            if (onPath(tool[0]).isEmpty()) {
                missing.add(tool[0] + " is not on PATH: " + tool[1]);
            }
        }
        Path peers = options.peers();
        if (!Files.isRegularFile(peers.resolve("rclone-run.sh")) || !Files.isRegularFile(peers.resolve("tus-run.sh"))) {
            missing.add("no peer scripts in " + peers + ": cp -r <project's shared peers folder> " + peers
                    + " && (cd " + peers.resolve("tus") + " && npm ci)   (a copy: the scripts write beside "
                    + "themselves)");
        } else if (!Files.isDirectory(peers.resolve("tus/node_modules/@tus/server"))) {
            missing.add("the tus peer's packages are not installed: (cd " + peers.resolve("tus") + " && npm ci)");
        } else if (!Files.isWritable(peers)) {
            missing.add(peers + " is not writable (the peer scripts write runs/ beside themselves): copy it with "
                    + "cp -r " + peers + " /tmp/peers and pass --peers /tmp/peers");
        }
        for (Path jar : List.of(options.agentJar(), options.serverJar())) {
            if (!Files.isRegularFile(jar)) {
                missing.add(jar + " does not exist: from the project root, mvn -B -q -Pbench -pl bench -am package "
                        + "-DskipTests (or pass --agent-jar / --server-jar)");
            }
        }
        Path installation = options.installation();
        if (installation != null && !Files.isExecutable(AgentLauncher.launcher(installation))) {
            missing.add(AgentLauncher.launcher(installation) + " is not an executable launcher: pass the directory "
                    + "of an unpacked station installation (mvn -B -q -pl dist -am package -DskipTests makes "
                    + "dist/target/codebound-agent-VERSION-station/codebound-agent-VERSION)");
        }
        return missing;
    }

    /** The first executable named {@code program} on PATH. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
