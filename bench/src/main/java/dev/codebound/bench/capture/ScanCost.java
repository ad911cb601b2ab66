package dev.codebound.bench.capture;

import dev.codebound.agent.watch.ScannedCodes;
import dev.codebound.bench.BenchMain;
import dev.codebound.bench.BenchOptions;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.server.MockRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CPU of one scan remembered by a long {@code watch --code-stdin} ({@code java -jar
 * codebound-bench.jar scans [--codes 200,1000,2000] [--scans 100] [--rounds 5] [--warmup 2]}):
 * {@code ScannedCodes.remember} of one code, on this thread, when the station already remembers N
 * codes, as a day's photos named by code pay it. Each round starts from an empty station home, remembers N
 * codes in batches of 100 (as {@code watch --once} or a busy scanner would), then times
 * {@code --scans} single scans of new codes with the thread's CPU clock (user and system: the
 * serialization, the writes and the syncs' system time; the syncs' waiting is not CPU). It uses only
 * the API that both the journal and the JSON file it replaced offer, so that the same class built at
 * either commit measures A against B.
 */
public final class ScanCost {
    private static final String USAGE = "usage: java -jar codebound-bench.jar scans [--codes 200,1000,2000] "
            + "[--scans 100] [--rounds 5] [--warmup 2]";

    private ScanCost() {}

    public static void main(String[] args) throws Exception {
        int[] remembered = {200, 1000, 2000};
        int scans = 100;
        int rounds = 5;
        int warmup = 2;
        BenchOptions options = new BenchOptions(args, USAGE);
        for (String option = options.next(); option != null; option = options.next()) {
            switch (option) {
                case "--codes" -> remembered = options.intValues();
                case "--scans" -> scans = options.intValue();
                case "--rounds" -> rounds = options.intValue();
                case "--warmup" -> warmup = options.intValue();
                default -> options.unknown();
            }
        }
        int most = Arrays.stream(remembered).max().orElse(0);
        if (scans < 1 || rounds < 1 || warmup < 0 || Arrays.stream(remembered).anyMatch(n -> n < 0 || n > 2000)) {
            System.err.println("--codes must be 0..2000 each, --scans and --rounds at least 1\n" + USAGE);
            System.exit(2);
        }
        Path work = Files.createTempDirectory("codebound-scan-bench");
        try {
            List<VerifiedCode> codes = codes(work, most + scans);
            for (int i = 0; i < warmup; i++) {
                measure(work.resolve("warmup-" + i), codes, most, scans);
            }
            System.out.printf(Locale.ROOT, "one scan remembered (ScannedCodes.remember of one code, thread CPU), "
                    + "%d scans per round, %d round(s) after %d warm-up round(s)%n", scans, rounds, warmup);
            System.out.println("  codes remembered   CPU ms per scan: median   mean    max    (medians over the rounds)");
            for (int n : remembered) {
                List<double[]> results = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    results.add(summary(measure(work.resolve(n + "-" + round), codes, n, scans)));
                }
                System.out.printf(Locale.ROOT, "  %16d   %22.3f %7.3f %7.3f%n", n, medianOf(results, 0),
                        medianOf(results, 1), medianOf(results, 2));
            }
            System.out.printf(Locale.ROOT, "  load average at the end: %.2f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            BenchMain.deleteTree(work);
        }
    }

    /** Codes verified as a station verifies them: the texts a scanner types, about 400 bytes each. */
    private static List<VerifiedCode> codes(Path work, int count) throws Exception {
        try (MockRegistry registry = Fleet.registry(work.resolve("registry"))) {
            TrustBundle bundle = registry.registry().trustBundles().currentBundle();
            CodeVerifier verifier = new CodeVerifier(bundle);
            Instant now = Instant.now();
            List<VerifiedCode> verified = new ArrayList<>(count);
            for (IssuedCode code : Fleet.codes(registry, count, 1)) {
                verified.add(verifier.verify(code.text(), now));
            }
            return verified;
        }
    }

    /** Remembers the first {@code remembered} codes in batches of 100, then times {@code scans} single scans; CPU ms each. */
    private static double[] measure(Path home, List<VerifiedCode> codes, int remembered, int scans) throws Exception {
        Files.createDirectories(home);
        ScannedCodes scanned = new ScannedCodes(home.resolve("scanned-codes.journal"));
        for (int first = 0; first < remembered; first += 100) {
            scanned.remember(codes.subList(first, Math.min(remembered, first + 100)), Instant.now());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] millis = new double[scans];
        for (int i = 0; i < scans; i++) {
            VerifiedCode code = codes.get(remembered + i);
            long before = threads.getCurrentThreadCpuTime();
            scanned.remember(code, Instant.now());
            millis[i] = (threads.getCurrentThreadCpuTime() - before) / 1e6;
        }
        return millis;
    }

    /** Median, mean and maximum of one round's scans. */
    private static double[] summary(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], Arrays.stream(millis).average().orElse(0),
            sorted[sorted.length - 1]};
    }

    private static double medianOf(List<double[]> rounds, int column) {
        double[] values = rounds.stream().mapToDouble(round -> round[column]).sorted().toArray();
        return values[values.length / 2];
    }
}
