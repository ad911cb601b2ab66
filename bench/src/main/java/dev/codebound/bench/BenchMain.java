package dev.codebound.bench;

import dev.codebound.bench.capture.CaptureCost;
import dev.codebound.bench.capture.ScanCost;
import dev.codebound.bench.desk.DeskLatency;
import dev.codebound.bench.e2e.EndToEndSuite;
import dev.codebound.bench.e2e.ResumeSuite;
import dev.codebound.bench.memory.MemorySuite;
import dev.codebound.bench.micro.MicroSuite;
import dev.codebound.bench.nodes.NodesBench;
import dev.codebound.bench.sidebyside.SideBySide;
import dev.codebound.bench.upload.UploadCost;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite's one entry point: {@code java -jar bench/target/codebound-bench.jar [--quick]
 * [--only micro,e2e,resume,memory,server] [--out FILE] [--work DIR] [--jfr]}. Prints a table and
 * writes it, with every raw figure, as JSON (default {@code bench/target/results.json}).
 * {@code java -jar codebound-bench.jar sidebyside [options]} runs the comparison with the peers instead
 * (see {@link SideBySide}); {@code java -jar codebound-bench.jar desk [options]} measures the capture desk's
 * latency (see {@link DeskLatency}); {@code java -jar codebound-bench.jar capture [options]} measures capture's CPU
 * per photo in one running process (see {@link CaptureCost}); {@code java -jar codebound-bench.jar scans [options]}
 * the CPU of one scan remembered for photos named by code (see {@link ScanCost});
 * {@code java -jar codebound-bench.jar upload [options]}
 * the station's upload in one running process, as {@code serve} runs it (see {@link UploadCost});
 * {@code java -jar codebound-bench.jar nodes [options]}
 * measures the registry's
 * multi-node mode beside the embedded one (see {@link NodesBench}).
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sidebyside")) {
            SideBySide.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("desk")) {
            DeskLatency.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("capture")) {
            CaptureCost.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("scans")) {
            ScanCost.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("upload")) {
            UploadCost.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("nodes")) {
            NodesBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean quick = false;
        boolean jfr = true;
        List<String> only = List.of("micro", "e2e", "resume", "memory", "server");
        Path out = Path.of("bench/target/results.json");
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-jfr" -> jfr = false;
                case "--only" -> only = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar codebound-bench.jar [--quick] [--only "
                            + "micro,e2e,resume,memory,server] [--out results.json] [--work DIR] [--no-jfr]\n"
                            + "       java -jar codebound-bench.jar sidebyside --help   (the comparison with the peers)\n"
                            + "       java -jar codebound-bench.jar desk --help         (the capture desk's latency)\n"
                            + "       java -jar codebound-bench.jar capture --help      (capture's CPU per photo in one "
                            + "JVM)\n"
                            + "       java -jar codebound-bench.jar scans --help        (one scan remembered for photos "
                            + "named by code)\n"
                            + "       java -jar codebound-bench.jar upload --help       (the station's upload in one "
                            + "JVM, as serve runs it)\n"
                            + "       java -jar codebound-bench.jar nodes --help        (one and two registry nodes over "
                            + "PostgreSQL)");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (work == null) {
            work = Files.createTempDirectory("codebound-bench");
        }
        Files.createDirectories(work);
        Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        Report report = new Report();
        Map<String, Object> machine = report.section("machine");
        machine.putAll(machine(quick));
        Instant started = Instant.now();
        System.err.println("codebound-bench: " + (quick ? "quick" : "full") + " run, sections " + only
                + ", work dir " + work);
        for (String section : only) {
            Instant t0 = Instant.now();
            System.err.println("== " + section);
            switch (section) {
                case "micro" -> MicroSuite.run(report, quick);
                case "e2e" -> EndToEndSuite.run(report, quick, work.resolve("e2e"), jfr ? out.toAbsolutePath()
                        .getParent() : null);
                case "resume" -> ResumeSuite.run(report, quick, work.resolve("resume"));
                case "memory" -> MemorySuite.agent(report, quick, work.resolve("memory"), jar);
                case "server" -> MemorySuite.server(report, work.resolve("server"), jar);
                default -> throw new IllegalArgumentException("unknown section " + section);
            }
            report.section("durations").put(section, Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            report.write(out);
        }
        report.section("durations").put("total", Duration.between(started, Instant.now()).toMillis() / 1000.0);
        System.out.println();
        report.print(System.out);
        report.write(out);
        System.out.println("\nwrote " + out.toAbsolutePath());
        deleteTree(work);
    }

    private static Map<String, Object> machine(boolean quick) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("mode", quick ? "quick" : "full");
        machine.put("date", Instant.now().toString());
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("cpuModel", cpuModel());
        machine.put("memTotal", memTotal());
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        machine.put("note", "2 cores shared with other engineers' builds: ratios within one run are the figures "
                + "to trust, absolute numbers vary from run to run");
        return machine;
    }

    private static String cpuModel() {
        return grep(Path.of("/proc/cpuinfo"), "model name");
    }

    private static String memTotal() {
        return grep(Path.of("/proc/meminfo"), "MemTotal");
    }

    private static String grep(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(paths.get(i));
        }
    }
}
