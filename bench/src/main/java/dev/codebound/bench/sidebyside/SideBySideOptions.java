package dev.codebound.bench.sidebyside;

import java.nio.file.Path;

/**
 * The command line of {@code sidebyside}.
 *
 * @param photos how many photos every subject moves per round
 * @param rounds interleaved rounds (the table shows medians over them)
 * @param warmup unmeasured rounds of Codebound's capture and upload before the first measured round, so that
 *               the registry (a server that runs for months) is measured with its JIT past its first minutes
 * @param parallel transfers in flight for every subject (rclone --transfers, tus concurrency, upload --parallel)
 * @param countFsyncs whether to run the separate, unmeasured strace pass that counts fsyncs
 * @param peers a writable copy of the peer scripts with {@code tus/node_modules} installed
 * @param agentJar the agent's shaded jar, run as {@code java -jar} like a station does
 * @param serverJar the mock registry's shaded jar
 * @param installation an unpacked station installation whose launcher runs Codebound's capture and upload a
 *                     second time each round, as a station runs them; {@code null} for {@code java -jar} only
 * @param work scratch directory (photos, registry data, station home, peer stores); deleted at the end
 * @param out the JSON file written with every raw figure
 */
record SideBySideOptions(int photos, int rounds, int warmup, int parallel, boolean countFsyncs, Path peers, Path agentJar,
        Path serverJar, Path installation, Path work, Path out) {
    /**
     * The station keeps at most this many scanned codes (docs/agent.md, {@code watch}); a round scans one
     * code per photo before its {@code watch --once}, so a round cannot hold more photos.
     */
    static final int MAX_PHOTOS = 2000;

    static final String USAGE = """
            usage: java -jar bench/target/codebound-bench.jar sidebyside [--photos N] [--rounds R] [--warmup W]
                   [--parallel P] [--no-fsync] [--peers DIR] [--agent-jar FILE] [--server-jar FILE] [--installation DIR]
                   [--work DIR] [--out FILE]
              --photos N        spec-valid 480x640 photos per round (default 1000, at most 2000)
              --rounds R        interleaved rounds; the table shows medians (default 3)
              --warmup W        unmeasured rounds of Codebound's capture and upload first, so that the registry
                                is measured warm (default 1; 0 measures a registry started just before)
              --parallel P      transfers at once for every subject (default 4)
              --no-fsync        skip the separate strace pass that counts fsyncs per photo
              --peers DIR       copy of the peer scripts with tus/node_modules installed (default /tmp/peers)
              --agent-jar FILE  default agent/target/codebound-agent.jar
              --server-jar FILE default mock-server/target/codebound-mock-server.jar
              --installation DIR also run capture and upload through DIR/bin/codebound-agent, the launcher of an
                                unpacked station installation (C1 only, its class archive if it has one), e.g.
                                dist/target/codebound-agent-VERSION-station/codebound-agent-VERSION
              --work DIR        scratch directory (default: a new temporary directory, deleted at the end)
              --out FILE        JSON with every raw figure (default bench/target/sidebyside.json)
            Run from the project root after: mvn -B -q -Pbench -pl bench -am package -DskipTests""";

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a message fit for the user. */
    static SideBySideOptions parse(String[] args) {
        int photos = 1000;
        int rounds = 3;
        int warmup = 1;
        int parallel = 4;
        boolean countFsyncs = true;
        Path peers = Path.of("/tmp/peers");
        Path agentJar = Path.of("agent/target/codebound-agent.jar");
        Path serverJar = Path.of("mock-server/target/codebound-mock-server.jar");
        Path installation = null;
        Path work = null;
        Path out = Path.of("bench/target/sidebyside.json");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--photos" -> photos = positive(option, value(args, ++i, option));
                case "--rounds" -> rounds = positive(option, value(args, ++i, option));
                case "--warmup" -> warmup = atLeast(0, option, value(args, ++i, option));
                case "--parallel" -> parallel = positive(option, value(args, ++i, option));
                case "--no-fsync" -> countFsyncs = false;
                case "--peers" -> peers = Path.of(value(args, ++i, option));
                case "--agent-jar" -> agentJar = Path.of(value(args, ++i, option));
                case "--server-jar" -> serverJar = Path.of(value(args, ++i, option));
                case "--installation" -> installation = Path.of(value(args, ++i, option));
                case "--work" -> work = Path.of(value(args, ++i, option));
                case "--out" -> out = Path.of(value(args, ++i, option));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (photos > MAX_PHOTOS) {
            throw new IllegalArgumentException("--photos " + photos + " is more than " + MAX_PHOTOS
                    + ", the number of scanned codes a station keeps; run at most " + MAX_PHOTOS);
        }
        return new SideBySideOptions(photos, rounds, warmup, parallel, countFsyncs, peers.toAbsolutePath(),
                agentJar.toAbsolutePath(), serverJar.toAbsolutePath(),
                installation == null ? null : installation.toAbsolutePath(), work == null ? null : work.toAbsolutePath(),
                out.toAbsolutePath());
    }

    SideBySideOptions withWork(Path directory) {
        return new SideBySideOptions(photos, rounds, warmup, parallel, countFsyncs, peers, agentJar, serverJar, installation,
                directory, out);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int positive(String option, String text) {
        return atLeast(1, option, text);
    }

    private static int atLeast(int least, String option, String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = least - 1;
        }
        if (value < least) {
            throw new IllegalArgumentException(option + " must be a whole number of at least " + least + ", not '"
                    + text + "'");
        }
        return value;
    }
}
