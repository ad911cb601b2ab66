package dev.codebound.bench.capture;

import dev.codebound.agent.station.StationHome;
import dev.codebound.bench.BenchMain;
import dev.codebound.bench.BenchOptions;
import dev.codebound.bench.InProcessAgent;
import dev.codebound.bench.JfrProfile;
import dev.codebound.bench.Median;
import dev.codebound.bench.capture.ThreadTicks.Cpu;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import dev.codebound.server.MockRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import jdk.jfr.Recording;

/**
 * Capture's CPU per photo in one running process, as {@code serve} and a long-running {@code watch}
 * pay it ({@code java -jar codebound-bench.jar capture [--photos 200] [--rounds 5] [--warmup 3] [--jfr FILE]
 * [--work DIR]}). One station is set up and enrolled against a mock registry in this JVM, the registry
 * issues every code the run needs and is then stopped, so that nothing but capture uses this process's
 * CPU. Each {@code watch --once --code-stdin --settle 0} run then goes through the agent's own command
 * line, in this JVM: its codes on standard input, its photos ({@code SamplePhotos.good}, 480×640, spec-valid)
 * in a fresh hot folder named {@code <code id>.jpg}.
 *
 * <p>After the warm-up runs of N photos, each round runs N photos and then one photo, and takes the
 * process's CPU time around each (every thread: the journals' sync threads, GC and the JIT compilers,
 * whose share is shown apart: a JVM takes thousands of photos to stop compiling, see {@link ThreadTicks}). The marginal cost of a photo is (CPU of the N-photo run − CPU of
 * the one-photo run) / (N − 1), the fixed cost of a run the one-photo run's CPU minus one marginal
 * photo (the key unlock's PBKDF2, opening the spool and the transfer log). The first warm-up run is
 * reported too: that is nearly what a fresh JVM pays (its JIT is cold; the JVM's own start is not in
 * it). Beside them, JPEG decoding alone of the same photos ({@link JpegDecoder#decode}, warm, the
 * decoder the spec checks use): issue 10 bounds capture's CPU beyond it. With {@code --jfr} one more
 * N-photo run, not timed, is recorded with JFR's {@code profile} settings (every fsync counted) and its
 * samples summarized. Medians over the rounds; nothing asserts a time.
 */
public final class CaptureCost {
    private static final String USAGE = "usage: java -jar codebound-bench.jar capture [--photos 200] [--rounds 5] "
            + "[--warmup 3] [--jfr FILE] [--work DIR]";

    private final Path work;
    private final Map<String, String> environment;
    private final Iterator<IssuedCode> codes;
    private int run;

    private CaptureCost(Path work, Map<String, String> environment, List<IssuedCode> codes) {
        this.work = work;
        this.environment = environment;
        this.codes = codes.iterator();
    }

    public static void main(String[] args) throws Exception {
        int photos = 200;
        int rounds = 5;
        int warmup = 3;
        Path jfr = null;
        Path work = null;
        BenchOptions options = new BenchOptions(args, USAGE);
        for (String option = options.next(); option != null; option = options.next()) {
            switch (option) {
                case "--photos" -> photos = options.intValue();
                case "--rounds" -> rounds = options.intValue();
                case "--warmup" -> warmup = options.intValue();
                case "--jfr" -> jfr = options.path();
                case "--work" -> work = options.path();
                default -> options.unknown();
            }
        }
        // The station remembers 2000 scanned codes: a run's codes must all still be there when its photos come.
        if (photos < 2 || photos > 1000 || rounds < 1 || warmup < 1) {
            System.err.println("--photos must be 2..1000, --rounds and --warmup at least 1\n" + USAGE);
            System.exit(2);
        }
        boolean scratch = work == null;
        if (scratch) {
            work = Files.createTempDirectory("codebound-capture-bench");
        }
        try {
            measure(work, photos, rounds, warmup, jfr);
        } finally {
            if (scratch) {
                BenchMain.deleteTree(work);
            }
        }
    }

    private static void measure(Path work, int n, int rounds, int warmup, Path jfr) throws Exception {
        Path home = work.resolve("station");
        Map<String, String> environment = Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                "CODEBOUND_KEY_PASSPHRASE", UUID.randomUUID().toString());
        int needed = (warmup + (jfr == null ? 0 : 1)) * n + rounds * (n + 1);
        List<IssuedCode> codes;
        try (MockRegistry registry = Fleet.registry(work.resolve("registry"))) {
            InProcessAgent.run(environment, null, "init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                    registry.caCertificateFile().toString(), "--schools", "10337");
            Map<String, String> enrolling = new HashMap<>(environment);
            enrolling.put("CODEBOUND_ENROLLMENT_TOKEN", registry.registry().enrollment()
                    .issueToken(Duration.ofHours(1), "capture bench").token());
            InProcessAgent.run(enrolling, null, "enroll");
            codes = Fleet.codes(registry, needed, 1);
        }
        List<byte[]> photos = new ArrayList<>(n);
        long bytes = 0;
        for (int seed = 1; seed <= n; seed++) {
            photos.add(SamplePhotos.good(seed));
            bytes += photos.get(seed - 1).length;
        }
        CaptureCost bench = new CaptureCost(work, environment, codes);
        Cpu first = null;
        for (int i = 0; i < warmup; i++) {
            Cpu run = bench.watchOnce(photos).divide(n);
            first = first == null ? run : first;
        }
        List<Cpu> perPhoto = new ArrayList<>();
        List<Cpu> marginal = new ArrayList<>();
        List<Cpu> fixed = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Cpu many = bench.watchOnce(photos);
            Cpu one = bench.watchOnce(photos.subList(0, 1));
            Cpu margin = many.minus(one).divide(n - 1);
            perPhoto.add(many.divide(n));
            marginal.add(margin);
            fixed.add(one.minus(margin));
        }
        double decode = decodeMillisPerPhoto(photos);
        System.out.printf(Locale.ROOT, "capture in one JVM: watch --once of %d photos (%.1f KB mean), %d round(s) "
                + "after %d warm-up run(s), load average at the end %.2f%n", n, bytes / 1000.0 / n, rounds, warmup,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("  CPU ms (medians over the rounds)                       total   user  system   "
                + "JIT compilers   total without JIT");
        row("first run, per photo (cold JIT, a fresh JVM minus its start)", List.of(first));
        row("warm run of " + n + " photos, per photo", perPhoto);
        row("marginal photo ((" + n + "-photo run - 1-photo run) / " + (n - 1) + ")", marginal);
        row("fixed cost of a run (key unlock, spool and log opened)", fixed);
        System.out.printf(Locale.ROOT, "  marginal photo, total, per round: %s%n",
                String.join(" ", marginal.stream().map(c -> String.format(Locale.ROOT, "%.2f", c.total())).toList()));
        System.out.printf(Locale.ROOT, "  JPEG decoding alone (JpegDecoder, warm, this thread): %.2f CPU ms/photo%n",
                decode);
        System.out.printf(Locale.ROOT, "  marginal photo beyond decoding: %.2f CPU ms (without the JIT compilers: "
                + "%.2f)%n", median(marginal, Cpu::total) - decode,
                median(marginal, c -> c.total() - c.compiler()) - decode);
        if (jfr != null) {
            Recording recording = JfrProfile.start();
            bench.watchOnce(photos);
            Map<String, Object> summary = JfrProfile.stopAndSummarize(recording, jfr);
            System.out.println("flight recording of one more " + n + "-photo run (not timed): " + jfr);
            JfrProfile.print(summary, "  ");
        }
    }

    /** Runs {@code watch --once} on a fresh folder of {@code photos}; returns the process's CPU. */
    private Cpu watchOnce(List<byte[]> photos) throws Exception {
        Path folder = Files.createDirectories(work.resolve("hot-" + ++run));
        StringBuilder scans = new StringBuilder();
        for (byte[] photo : photos) {
            IssuedCode code = codes.next();
            Files.write(folder.resolve(code.codeId() + ".jpg"), photo);
            scans.append(code.text()).append('\n');
        }
        ThreadTicks before = ThreadTicks.now();
        InProcessAgent.run(environment, scans.toString(), "watch", "--once", "--code-stdin", "--settle", "0", folder.toString());
        Cpu used = ThreadTicks.now().since(before);
        try (var done = Files.list(folder.resolve("done"))) {
            long spooled = done.count();
            if (spooled != photos.size()) {
                throw new IllegalStateException("watch spooled " + spooled + " of " + photos.size() + " photos in "
                        + folder);
            }
        }
        return used;
    }

    private static double decodeMillisPerPhoto(List<byte[]> photos) throws JpegDecoder.DecodeException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (byte[] photo : photos) {
            JpegDecoder.decode(photo);
        }
        long before = threads.getCurrentThreadCpuTime();
        for (byte[] photo : photos) {
            JpegDecoder.decode(photo);
        }
        return (threads.getCurrentThreadCpuTime() - before) / 1e6 / photos.size();
    }

    private static void row(String label, List<Cpu> values) {
        System.out.printf(Locale.ROOT, "  %-60s %8.2f %6.2f %7.2f %15.2f %19.2f%n", label, median(values, Cpu::total),
                median(values, Cpu::user), median(values, Cpu::system), median(values, Cpu::compiler),
                median(values, c -> c.total() - c.compiler()));
    }

    private static double median(List<Cpu> values, ToDoubleFunction<Cpu> figure) {
        return Median.of(values.stream().map(figure::applyAsDouble).toList());
    }
}
