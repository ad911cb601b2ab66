package dev.codebound.bench.micro;

import dev.codebound.bench.Report;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks (envelope and primitives in one fork, one after the other) and relates
 * each envelope operation to the primitives it is made of.
 *
 * <p>Sealing (see {@code EnvelopeSealer}) hashes the plaintext twice (the binding's digest first,
 * then again while encrypting, to catch a photo that changed in between), encrypts it once with
 * AES-256-GCM, and the SignedData layer hashes the ciphertext once for its message-digest attribute:
 * 3 SHA-256 passes + 1 AES-GCM pass, plus one ECDSA signature, one ephemeral P-256 key and one ECDH.
 * Opening hashes the ciphertext (signature) and the plaintext (binding), decrypts once, and verifies
 * three ECDSA signatures (envelope, station certificate, collection code) and one ECDH.
 */
public final class MicroSuite {
    static final int SEAL_SHA_PASSES = 3;
    static final int OPEN_SHA_PASSES = 2;
    static final int OPEN_VERIFIES = 3;
    static final int SMALL = 46080;
    static final int LARGE = 8388608;

    private MicroSuite() {}

    public static void run(Report report, boolean quick) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(EnvelopeBench.class.getName())
                .include(PrimitiveBench.class.getName())
                .forks(1)
                .threads(1)
                .jvmArgs("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(400));
        } else {
            options.warmupIterations(5).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Double> us = new LinkedHashMap<>();
        Map<String, Double> error = new LinkedHashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String size = result.getParams().getParam("size");
            String suite = result.getParams().getParam("suite");
            String key = (size == null ? name : name + "@" + size)
                    + (suite == null || suite.equals("1") ? "" : "/suite" + suite);
            us.put(key, result.getPrimaryResult().getScore());
            error.put(key, result.getPrimaryResult().getScoreError());
        }
        Map<String, Object> section = report.section("micro");
        section.put("unit", "microseconds per operation (JMH average time, 1 thread)");
        section.put("scores", us);
        section.put("errors99", error);

        double sign = us.get("PublicKeyOps.ecdsaSign");
        double verify = us.get("PublicKeyOps.ecdsaVerify");
        double ecdh = us.get("PublicKeyOps.ecdh");
        double keyGen = us.get("PublicKeyOps.ecKeyGen");
        report.row("primitives", "ECDSA P-256 sign / verify (BC)", Report.f("%.0f / %.0f us", sign, verify),
                Report.f("%.0f / %.0f per s", 1e6 / sign, 1e6 / verify), "", "", null);
        report.row("primitives", "ECDH P-256 / key generation (BC)", Report.f("%.0f / %.0f us", ecdh, keyGen),
                "", "", "", null);
        for (int size : new int[] {SMALL, LARGE}) {
            double gcm = us.get("PrimitiveBench.aesGcm@" + size);
            double sha = us.get("PrimitiveBench.sha256@" + size);
            double gcmArrays = us.get("PrimitiveBench.aesGcmArrays@" + size);
            report.row("primitives", "AES-256-GCM / SHA-256, " + label(size) + " (JMH)",
                    Report.f("%.0f / %.0f MB/s", mbps(size, gcm), mbps(size, sha)), "64 KiB chunks, JDK", "", "",
                    null);
            report.row("primitives", "AES-256-GCM the way BC's CMS stream calls it, " + label(size) + " (JMH)",
                    Report.f("%.0f MB/s", mbps(size, gcmArrays)), Report.f("%.0f MB/s into a buffer", mbps(size, gcm)),
                    Report.f("%.0f%%", 100 * gcm / gcmArrays), "", null);
        }
        for (int size : new int[] {SMALL, LARGE}) {
            double gcm = us.get("PrimitiveBench.aesGcm@" + size);
            double sha = us.get("PrimitiveBench.sha256@" + size);
            double seal = us.get("EnvelopeBench.seal@" + size);
            double open = us.get("EnvelopeBench.open@" + size);
            Map<String, Object> derived = new LinkedHashMap<>();
            derived.put("jmhSealMicros", seal);
            derived.put("jmhSealCeilingMicros", sealCeiling(gcm, sha, sign, keyGen, ecdh));
            derived.put("jmhSealFractionOfCeiling", sealCeiling(gcm, sha, sign, keyGen, ecdh) / seal);
            derived.put("jmhOpenMicros", open);
            derived.put("jmhOpenCeilingMicros", openCeiling(gcm, sha, verify, ecdh));
            derived.put("jmhOpenFractionOfCeiling", openCeiling(gcm, sha, verify, ecdh) / open);
            interleaved(size, quick, derived);
            section.put("envelope@" + size, derived);

            boolean large = size == LARGE;
            double sealMedian = (Double) derived.get("sealMicros");
            double sealCeil = (Double) derived.get("sealCeilingMicros");
            double sealFraction = (Double) derived.get("sealFractionOfCeiling");
            double openMedian = (Double) derived.get("openMicros");
            double openCeil = (Double) derived.get("openCeilingMicros");
            double openFraction = (Double) derived.get("openFractionOfCeiling");
            report.row("seal", label(size) + " photo (interleaved)",
                    large ? Report.f("%.0f MB/s (%.1f ms)", mbps(size, sealMedian), sealMedian / 1000)
                            : Report.f("%.0f us (%.0f /s)", sealMedian, 1e6 / sealMedian),
                    large ? Report.f("%.0f MB/s: GCM+%dxSHA-256+sign+keygen+ECDH", mbps(size, sealCeil),
                            SEAL_SHA_PASSES)
                            : Report.f("%.0f us: GCM+%dxSHA+sign+keygen+ECDH", sealCeil, SEAL_SHA_PASSES),
                    large ? Report.f("%.0f%% of ceiling (JMH: %.0f%%)", 100 * sealFraction,
                            100 * (Double) derived.get("jmhSealFractionOfCeiling"))
                            : Report.f("%.2fx primitives (JMH: %.2fx)", 1 / sealFraction,
                                    1 / (Double) derived.get("jmhSealFractionOfCeiling")),
                    large ? ">= 70%" : "", large ? sealFraction >= 0.70 : null);
            report.row("open", label(size) + " photo (interleaved)",
                    large ? Report.f("%.0f MB/s (%.1f ms)", mbps(size, openMedian), openMedian / 1000)
                            : Report.f("%.0f us (%.0f /s)", openMedian, 1e6 / openMedian),
                    large ? Report.f("%.0f MB/s: GCM+%dxSHA+%dxverify+ECDH", mbps(size, openCeil),
                            OPEN_SHA_PASSES, OPEN_VERIFIES)
                            : Report.f("%.0f us: GCM+%dxSHA+%dxverify+ECDH", openCeil, OPEN_SHA_PASSES,
                                    OPEN_VERIFIES),
                    large ? Report.f("%.0f%% of ceiling (JMH: %.0f%%)", 100 * openFraction,
                            100 * (Double) derived.get("jmhOpenFractionOfCeiling"))
                            : Report.f("%.2fx primitives (JMH: %.2fx)", 1 / openFraction,
                                    1 / (Double) derived.get("jmhOpenFractionOfCeiling")),
                    "", null);
        }
        for (int size : new int[] {SMALL, LARGE}) {
            suite2Row(report, "seal", size, us.get("EnvelopeBench.seal@" + size + "/suite2"),
                    us.get("EnvelopeBench.seal@" + size));
            suite2Row(report, "open", size, us.get("EnvelopeBench.open@" + size + "/suite2"),
                    us.get("EnvelopeBench.open@" + size));
        }
    }

    /** Suite 2 (SM2, SM4-GCM, SM3) beside suite 1, from the JMH scores of the same run. */
    private static void suite2Row(Report report, String section, int size, double suite2, double suite1) {
        boolean large = size == LARGE;
        report.row(section, label(size) + " photo, suite 2 SM2/SM4-GCM/SM3 (JMH)",
                large ? Report.f("%.0f MB/s (%.1f ms)", mbps(size, suite2), suite2 / 1000)
                        : Report.f("%.0f us (%.0f /s)", suite2, 1e6 / suite2),
                large ? Report.f("suite 1: %.0f MB/s", mbps(size, suite1)) : Report.f("suite 1: %.0f us", suite1),
                Report.f("%.1fx suite 1's time", suite2 / suite1), "", null);
    }

    static double sealCeiling(double gcm, double sha, double sign, double keyGen, double ecdh) {
        return gcm + SEAL_SHA_PASSES * sha + sign + keyGen + ecdh;
    }

    static double openCeiling(double gcm, double sha, double verify, double ecdh) {
        return gcm + OPEN_SHA_PASSES * sha + OPEN_VERIFIES * verify + ecdh;
    }

    /** Seal, open and their primitives timed round-robin in this JVM; ratios per round, then the median. */
    private static void interleaved(int size, boolean quick, Map<String, Object> derived) throws Exception {
        EnvelopeBench envelope = new EnvelopeBench();
        envelope.size = size;
        envelope.setUp();
        PrimitiveBench bulk = new PrimitiveBench();
        bulk.size = size;
        bulk.setUp();
        PrimitiveBench.PublicKeyOps pk = new PrimitiveBench.PublicKeyOps();
        pk.setUp();
        Map<String, Interleaved.Op> ops = new LinkedHashMap<>();
        ops.put("seal", envelope::seal);
        ops.put("open", envelope::open);
        ops.put("aesGcm", bulk::aesGcm);
        ops.put("sha256", bulk::sha256);
        ops.put("aesGcmArrays", bulk::aesGcmArrays);
        ops.put("ecdsaSign", pk::ecdsaSign);
        ops.put("ecdsaVerify", pk::ecdsaVerify);
        ops.put("ecdh", pk::ecdh);
        ops.put("ecKeyGen", pk::ecKeyGen);
        int rounds = quick ? 5 : 15;
        Map<String, double[]> t;
        try {
            t = new Interleaved().measure(ops, rounds, quick ? 2000 : 6000);
        } finally {
            envelope.tearDown();
        }
        double[] sealRatio = new double[rounds];
        double[] openRatio = new double[rounds];
        double[] sealCeil = new double[rounds];
        double[] openCeil = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            sealCeil[r] = sealCeiling(t.get("aesGcm")[r], t.get("sha256")[r], t.get("ecdsaSign")[r],
                    t.get("ecKeyGen")[r], t.get("ecdh")[r]);
            openCeil[r] = openCeiling(t.get("aesGcm")[r], t.get("sha256")[r], t.get("ecdsaVerify")[r],
                    t.get("ecdh")[r]);
            sealRatio[r] = sealCeil[r] / t.get("seal")[r];
            openRatio[r] = openCeil[r] / t.get("open")[r];
        }
        Map<String, Object> medians = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : t.entrySet()) {
            medians.put(e.getKey(), Interleaved.median(e.getValue()));
        }
        derived.put("interleavedRounds", rounds);
        derived.put("interleavedMedianMicros", medians);
        derived.put("sealMicros", Interleaved.median(t.get("seal")));
        derived.put("sealCeilingMicros", Interleaved.median(sealCeil));
        derived.put("sealFractionOfCeiling", Interleaved.median(sealRatio));
        derived.put("sealFractionOfCeilingPerRound", sealRatio);
        derived.put("sealMBps", mbps(size, Interleaved.median(t.get("seal"))));
        derived.put("openMicros", Interleaved.median(t.get("open")));
        derived.put("openCeilingMicros", Interleaved.median(openCeil));
        derived.put("openFractionOfCeiling", Interleaved.median(openRatio));
        derived.put("openFractionOfCeilingPerRound", openRatio);
        derived.put("openMBps", mbps(size, Interleaved.median(t.get("open"))));
    }

    static String label(int size) {
        return size >= 1 << 20 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
    }

    static double mbps(long bytes, double micros) {
        return bytes / micros; // bytes per microsecond = MB/s (10^6 bytes)
    }
}
