package dev.codebound.bench.upload;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.desk.DeskService;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.RetentionSweep;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.upload.FinishedEntries;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.StationUpload;
import dev.codebound.agent.upload.UploadSettings;
import dev.codebound.bench.BenchMain;
import dev.codebound.bench.BenchOptions;
import dev.codebound.bench.InProcessAgent;
import dev.codebound.bench.JfrProfile;
import dev.codebound.bench.Median;
import dev.codebound.bench.capture.ThreadTicks;
import dev.codebound.bench.capture.ThreadTicks.Cpu;
import dev.codebound.bench.sidebyside.RegistryAdmin;
import dev.codebound.bench.sidebyside.RegistryServer;
import dev.codebound.testkit.SamplePhotos;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import jdk.jfr.Recording;

/**
 * The station's upload in one running process, as {@code serve}'s upload scheduler runs it
 * ({@code java -jar codebound-bench.jar upload [--photos 200] [--rounds 5] [--warmup 3] [--parallel 4]
 * [--jfr FILE] [--strace FILE] [--server-jfr FILE] [--server-strace FILE] [--server-jar FILE]
 * [--server-java-options 'OPTIONS'] [--work DIR]}): no JVM
 * start, no key unlock per run, which the side-by-side's {@code upload} rows carry. {@code --server-java-options}
 * go to the registry's {@code java} command before {@code -jar} (a collector or JIT setting to compare).
 *
 * <p>The mock registry runs from its shaded jar in a process of its own (mutual TLS on a loopback port),
 * so that its CPU is read from {@code /proc/<pid>} apart from the station's. One station is set up and
 * enrolled in this JVM and its context (settings, unlocked key) kept for every run, as {@code serve} keeps
 * it. Before each measured upload, not measured: the registry issues the run's codes, {@code watch --once
 * --code-stdin} seals the run's photos ({@code SamplePhotos.good}, 480×640) into the spool through the
 * agent's command line in this JVM, and the spool and the transfer log are opened (the desk holds them all
 * day). The measured part is what one scheduled run of the desk does ({@code DeskUploads}): build the
 * upload from the station's settings (a new mutual-TLS client), check that the registry answers, check the
 * station's standing in the trust bundle, upload every due envelope with its receipt verified and archived
 * as it arrives, then the retention sweep that deletes the delivered envelopes.
 *
 * <p>After the warm-up runs of N photos, each round runs N photos and then one photo: the marginal photo
 * is (CPU of the N-photo run − CPU of the one-photo run) / (N − 1), a run's fixed cost the one-photo run
 * minus one marginal photo (a new client's TLS handshakes, the sweep). The station's CPU is this process's
 * (every thread, user and system), with the JIT compiler threads' share apart; the registry's is its whole
 * process's over the same interval, its JIT apart too. Files/s is N over the N-photo run's wall time. With
 * {@code --jfr} one more N-photo upload, not timed, is recorded with JFR's {@code profile} settings, the
 * station's fsyncs counted; with {@code --server-jfr} one more,
 * not timed either, is recorded in the registry's process ({@code jcmd}, {@code profile} settings) and its
 * samples split by part of the registry ({@link RegistryProfile}); with {@code --strace} and {@code --server-strace}
 * one more each under {@code strace -f -c} attached to this process or to the registry (their system calls per
 * photo; not timed). Medians over the rounds; nothing asserts a time.
 */
public final class UploadCost {
    private static final String USAGE = "usage: java -jar codebound-bench.jar upload [--photos 200] [--rounds 5] "
            + "[--warmup 3] [--parallel 4] [--jfr FILE] [--strace FILE] [--server-jfr FILE] [--server-strace FILE] "
            + "[--server-jar FILE] [--server-java-options 'OPTIONS'] [--work DIR]";

    /** One measured upload: the station's and the registry's CPU, and its wall time. */
    private record Sample(Cpu station, Cpu registry, double seconds) {
        Sample minus(Sample other) {
            return new Sample(station.minus(other.station), registry.minus(other.registry), seconds - other.seconds);
        }

        Sample divide(double by) {
            return new Sample(station.divide(by), registry.divide(by), seconds / by);
        }
    }

    private final Path work;
    private final Map<String, String> environment;
    private final RegistryServer registry;
    private final RegistryAdmin admin;
    private final StationContext station;
    private final int parallel;
    private int run;
    private int students;
    /** The registry's CPU per photo by thread group in the last upload; see {@link RegistryProfile#perPhoto}. */
    private Map<String, double[]> registryThreads = Map.of();

    private UploadCost(Path work, Map<String, String> environment, RegistryServer registry, RegistryAdmin admin,
            StationContext station, int parallel) {
        this.work = work;
        this.environment = environment;
        this.registry = registry;
        this.admin = admin;
        this.station = station;
        this.parallel = parallel;
    }

    public static void main(String[] args) throws Exception {
        int photos = 200;
        int rounds = 5;
        int warmup = 3;
        int parallel = 4;
        Path jfr = null;
        Path serverJfr = null;
        Path strace = null;
        Path serverStrace = null;
        Path serverJar = Path.of("mock-server/target/codebound-mock-server.jar");
        List<String> serverJavaOptions = List.of();
        Path work = null;
        BenchOptions options = new BenchOptions(args, USAGE);
        for (String option = options.next(); option != null; option = options.next()) {
            switch (option) {
                case "--photos" -> photos = options.intValue();
                case "--rounds" -> rounds = options.intValue();
                case "--warmup" -> warmup = options.intValue();
                case "--parallel" -> parallel = options.intValue();
                case "--jfr" -> jfr = options.path();
                case "--server-jfr" -> serverJfr = options.path();
                case "--strace" -> strace = options.path();
                case "--server-strace" -> serverStrace = options.path();
                case "--server-jar" -> serverJar = options.path();
                case "--server-java-options" -> serverJavaOptions = List.of(options.value().strip().split("\\s+"));
                case "--work" -> work = options.path();
                default -> options.unknown();
            }
        }
        // The station remembers 2000 scanned codes: a run's codes must all still be there when its photos come.
        if (photos < 2 || photos > 1000 || rounds < 1 || warmup < 1 || parallel < 1 || parallel > 16) {
            System.err.println("--photos must be 2..1000, --rounds and --warmup at least 1, --parallel 1..16\n" + USAGE);
            System.exit(2);
        }
        if (!Files.isRegularFile(serverJar)) {
            System.err.println("no mock registry jar at " + serverJar + ": build it with mvn -B -q -Pbench -pl bench "
                    + "-am package -DskipTests, or give --server-jar");
            System.exit(3);
        }
        boolean scratch = work == null;
        if (scratch) {
            work = Files.createTempDirectory("codebound-upload-bench");
        } else {
            Files.createDirectories(work);
        }
        try {
            measure(work, serverJar, serverJavaOptions, photos, rounds, warmup, parallel, jfr, strace, serverJfr,
                    serverStrace);
        } finally {
            if (scratch) {
                BenchMain.deleteTree(work);
            }
        }
    }

    private static void measure(Path work, Path serverJar, List<String> serverJavaOptions, int n, int rounds,
            int warmup, int parallel, Path jfr, Path strace, Path serverJfr, Path serverStrace) throws Exception {
        Path home = work.resolve("station");
        Map<String, String> environment = Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                "CODEBOUND_KEY_PASSPHRASE", UUID.randomUUID().toString());
        List<byte[]> photos = new ArrayList<>(n);
        long bytes = 0;
        for (int seed = 1; seed <= n; seed++) {
            photos.add(SamplePhotos.good(seed));
            bytes += photos.get(seed - 1).length;
        }
        try (RegistryServer registry = RegistryServer.start(serverJavaOptions, serverJar.toAbsolutePath(),
                work.resolve("registry"), work.resolve("registry.log"))) {
            RegistryAdmin admin = new RegistryAdmin(registry);
            InProcessAgent.run(environment, null, "init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                    registry.caCertificate().toString(), "--schools", Integer.toString(RegistryAdmin.SCHOOL));
            Map<String, String> enrolling = new HashMap<>(environment);
            enrolling.put("CODEBOUND_ENROLLMENT_TOKEN", admin.enrollmentToken("upload bench"));
            InProcessAgent.run(enrolling, null, "enroll");
            StationContext station = StationContext.load(new StationHome(home), environment, Clock.systemUTC());
            UploadCost bench = new UploadCost(work, environment, registry, admin, station, parallel);

            Sample first = null;
            for (int i = 0; i < warmup; i++) {
                Sample sample = bench.upload(photos).divide(n);
                first = first == null ? sample : first;
            }
            List<Sample> perPhoto = new ArrayList<>();
            List<Sample> marginal = new ArrayList<>();
            List<Sample> fixed = new ArrayList<>();
            List<Double> filesPerSecond = new ArrayList<>();
            List<Map<String, double[]>> registryThreads = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Sample many = bench.upload(photos);
                registryThreads.add(bench.registryThreads);
                Sample one = bench.upload(photos.subList(0, 1));
                Sample margin = many.minus(one).divide(n - 1);
                perPhoto.add(many.divide(n));
                marginal.add(margin);
                fixed.add(one.minus(margin));
                filesPerSecond.add(n / many.seconds());
            }
            System.out.printf(Locale.ROOT, "upload in one JVM, as serve's scheduler runs it: %d photos (%.1f KB mean) "
                    + "per run, %d at once, %d round(s) after %d warm-up run(s), load average at the end %.2f%n", n,
                    bytes / 1000.0 / n, parallel, rounds, warmup,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "  %-62s %8s %6s %7s %5s %12s | %15s %5s%n",
                    "CPU ms (medians over the rounds)", "station", "user", "system", "JIT", "without JIT", "registry",
                    "JIT");
            row("first run, per photo (cold JIT; no JVM start, no key unlock)", List.of(first));
            row("warm run of " + n + " photos, per photo", perPhoto);
            row("marginal photo ((" + n + "-photo run - 1-photo run) / " + (n - 1) + ")", marginal);
            row("fixed cost of a run (client, TLS, checks, sweep)", fixed);
            System.out.printf(Locale.ROOT, "  marginal photo, station + registry, per round: %s%n", String.join(" ",
                    marginal.stream().map(s -> String.format(Locale.ROOT, "%.2f+%.2f", s.station().total(),
                            s.registry().total())).toList()));
            System.out.printf(Locale.ROOT, "  files/s of the %d-photo runs (median, per round): %.1f %s%n", n,
                    Median.of(filesPerSecond), filesPerSecond.stream()
                            .map(f -> String.format(Locale.ROOT, "%.1f", f)).toList());
            System.out.println("  the registry's CPU per photo by thread in the " + n + "-photo runs (medians; a pool's "
                    + "threads summed):");
            JfrProfile.print(RegistryProfile.medians(registryThreads), "    ");
            if (jfr != null) {
                bench.captureIntoSpool(photos);
                Recording recording = JfrProfile.start();
                bench.uploadSpooled(n);
                Map<String, Object> summary = JfrProfile.stopAndSummarize(recording, jfr);
                System.out.println("flight recording of one more " + n + "-photo upload (not timed; the station's "
                        + "JVM only): " + jfr);
                JfrProfile.print(summary, "  ");
            }
            if (serverJfr != null) {
                bench.captureIntoSpool(photos);
                RegistryProfile.start(registry.pid(), "upload-bench");
                bench.uploadSpooled(n);
                RegistryProfile.stop(registry.pid(), "upload-bench", serverJfr);
                System.out.println("flight recording of the registry during one more " + n + "-photo upload (not "
                        + "timed): " + serverJfr);
                JfrProfile.print(RegistryProfile.summarize(serverJfr), "  ");
            }
            if (strace != null) {
                bench.uploadUnderStrace(photos, ProcessHandle.current().pid(), strace, "the station (this JVM)");
            }
            if (serverStrace != null) {
                bench.uploadUnderStrace(photos, registry.pid(), serverStrace, "the registry");
            }
        }
    }

    /** Seals {@code photos} into the spool (not measured), then uploads them with {@code strace -f -c} attached to {@code pid}. */
    private void uploadUnderStrace(List<byte[]> photos, long pid, Path summary, String whose) throws Exception {
        captureIntoSpool(photos);
        Process strace = new ProcessBuilder("strace", "-f", "-c", "-o", summary.toString(), "-p", Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // strace prints nothing once attached: give it time to attach to every thread.
        Thread.sleep(2000);
        uploadSpooled(photos.size());
        strace.destroy();
        strace.waitFor();
        System.out.println("system calls of " + whose + " during one more " + photos.size() + "-photo upload (not "
                + "timed; strace -f -c, all threads): " + summary);
        RegistryProfile.printSyscalls(summary, photos.size(), "  ");
    }

    /** Seals {@code photos} into the spool for new codes (not measured), then uploads them. */
    private Sample upload(List<byte[]> photos) throws Exception {
        captureIntoSpool(photos);
        return uploadSpooled(photos.size());
    }

    /**
     * Runs one scheduled upload of the {@code count} envelopes in the spool and the retention sweep after
     * it, with the spool and the log opened before (not measured); returns what that cost.
     */
    private Sample uploadSpooled(int count) throws Exception {
        try (Spool spool = Spool.open(station.home().spool(), station.clock(), "upload bench");
                TransferLog log = TransferLog.open(station.home(), station.clock(), station.credentials())) {
            DeskService.UploadFactory factory = DeskService.configuredUploads(station,
                    () -> new UploadSettings.Overrides(null, null, parallel));
            ThreadTicks stationBefore = ThreadTicks.now();
            ThreadTicks registryBefore = ThreadTicks.ofProcess(registry.pid());
            Map<String, double[]> registryThreadsBefore = RegistryProfile.threadCpu(registry.pid());
            long started = System.nanoTime();
            StationUpload upload = factory.create();
            upload.checkReachable();
            if (!upload.windowOpen() || upload.due(spool.entries()).size() != count
                    || station.bundle().isStationRevoked(station.credentials().certificate())) {
                throw new IllegalStateException("the window is closed, the station revoked, or the spool does not "
                        + "hold exactly the " + count + " envelopes just sealed");
            }
            StationUpload.Outcome outcome = upload.run(spool, log, new FinishedEntries(new ProgressListener() {}));
            new RetentionSweep(station.home(), RetentionPolicy.from(station.config()), spool, station.clock())
                    .run(station.clock().instant(), log);
            double seconds = (System.nanoTime() - started) / 1e9;
            Sample sample = new Sample(ThreadTicks.now().since(stationBefore),
                    ThreadTicks.ofProcess(registry.pid()).since(registryBefore), seconds);
            registryThreads = RegistryProfile.perPhoto(registryThreadsBefore, RegistryProfile.threadCpu(registry.pid()),
                    count);
            if (!outcome.complete() || outcome.run().delivered() != count) {
                throw new IllegalStateException("the upload did not deliver every envelope with a valid receipt: "
                        + outcome.run().summary());
            }
            return sample;
        }
    }

    private void captureIntoSpool(List<byte[]> photos) throws Exception {
        Path folder = Files.createDirectories(work.resolve("hot-" + ++run));
        List<RegistryAdmin.Code> codes = admin.issueCodes(students + 1, photos.size());
        students += photos.size();
        StringBuilder scans = new StringBuilder();
        for (int i = 0; i < photos.size(); i++) {
            Files.write(folder.resolve(codes.get(i).codeId() + ".jpg"), photos.get(i));
            scans.append(codes.get(i).text()).append('\n');
        }
        InProcessAgent.run(environment, scans.toString(), "watch", "--once", "--code-stdin", "--settle", "0", folder.toString());
    }

    private static void row(String label, List<Sample> values) {
        System.out.printf(Locale.ROOT, "  %-62s %8.2f %6.2f %7.2f %5.2f %12.2f | %15.2f %5.2f%n", label,
                median(values, s -> s.station().total()), median(values, s -> s.station().user()),
                median(values, s -> s.station().system()), median(values, s -> s.station().compiler()),
                median(values, s -> s.station().total() - s.station().compiler()),
                median(values, s -> s.registry().total()), median(values, s -> s.registry().compiler()));
    }

    private static double median(List<Sample> values, ToDoubleFunction<Sample> figure) {
        return Median.of(values.stream().map(figure::applyAsDouble).toList());
    }
}
