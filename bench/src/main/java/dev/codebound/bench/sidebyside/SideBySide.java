package dev.codebound.bench.sidebyside;

import dev.codebound.bench.BenchMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar codebound-bench.jar sidebyside}: generates the photos, then runs interleaved rounds of
 * rclone crypt→sftp, tus-js-client→@tus/server, Codebound's capture and Codebound's upload on them (with
 * {@code --installation}, capture and upload once more through the installation's launcher), then
 * (unmeasured) counts every subject's fsyncs under strace, and prints medians and ratios to the best peer.
 * A benchmark, not a test: it fails only when a subject fails to move every photo.
 *
 * <p>Exit codes: 0 done, 2 bad option, 3 a prerequisite is missing (the message says how to install it),
 * 1 a subject failed (the message names its log).
 */
public final class SideBySide {
    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(SideBySideOptions.USAGE);
            return;
        }
        SideBySideOptions options;
        try {
            options = SideBySideOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sidebyside: " + e.getMessage());
            System.err.println(SideBySideOptions.USAGE);
            System.exit(2);
            return;
        }
        List<String> missing = Prerequisites.missing(options);
        if (!missing.isEmpty()) {
            System.err.println("sidebyside: missing prerequisites (nothing was installed):");
            missing.forEach(line -> System.err.println("  " + line));
            System.exit(3);
            return;
        }
        boolean temporary = options.work() == null;
        Path work = temporary ? Files.createTempDirectory("codebound-sidebyside") : options.work();
        Files.createDirectories(work);
        int exit = 0;
        try {
            run(options.withWork(work));
        } catch (IOException e) {
            System.err.println("sidebyside: " + e.getMessage());
            exit = 1;
        } finally {
            if (temporary) {
                BenchMain.deleteTree(work);
            }
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    private static void run(SideBySideOptions options) throws IOException, InterruptedException {
        Path work = options.work();
        Path logs = options.out().resolveSibling(stem(options.out()) + "-logs");
        BenchMain.deleteTree(logs);
        Files.createDirectories(logs);
        SideBySideReport report = new SideBySideReport();
        Instant started = Instant.now();
        report.note("date", started.toString());
        report.note("availableProcessors", Runtime.getRuntime().availableProcessors());
        report.note("loadAverageAtStart", Proc.loadAverage());
        report.note("options", Map.of("photos", options.photos(), "rounds", options.rounds(), "warmup",
                options.warmup(), "parallel",
                options.parallel(), "countFsyncs", options.countFsyncs()));
        AgentLauncher installed = null;
        if (options.installation() != null) {
            installed = AgentLauncher.installation(options.installation());
            boolean archive = AgentLauncher.hasClassArchive(options.installation());
            report.note("installation", options.installation().toString());
            report.note("installationClassArchive", archive);
            report.launcherNote("launcher: " + AgentLauncher.launcher(options.installation()) + ", class archive "
                    + (archive ? AgentLauncher.classArchive(options.installation()) : "none (bin/make-class-archive "
                            + "makes it)"));
        }
        Rusage rusage = Rusage.install(work.resolve("tools"));

        Path photos = work.resolve("photos");
        log("generating %d spec-valid 480x640 photos in %s", options.photos(), photos);
        long bytes = PhotoFolder.generate(photos, options.photos());
        report.note("photoBytesTotal", bytes);
        report.note("photoBytesMean", bytes / options.photos());
        log("%d photos, %.1f KB mean; logs in %s", options.photos(), bytes / 1000.0 / options.photos(), logs);
        Path onePhoto = work.resolve("one-photo");
        PhotoFolder.generate(onePhoto, 1);
        double decode = JpegDecodeReference.cpuMillisPerPhoto(photos);
        report.jpegDecodeMillisPerPhoto(decode);

        Peers peers = new Peers(options.peers(), options.parallel(), rusage, logs);
        try (CodeboundStation codebound = CodeboundStation.start(options, rusage, work, logs)) {
            log("registry and station ready");
            for (int round = 1; round <= options.warmup(); round++) {
                log("warm-up round %d of Codebound's capture and upload (not measured)", round);
                codebound.warmUp(round, photos, options.photos());
            }
            for (int round = 1; round <= options.rounds(); round++) {
                report.stationHistory(round, codebound.history());
                measured(report, peers.rclone(round, photos));
                measured(report, peers.tus(round, photos));
                measured(report, codebound.capture(round, photos));
                measured(report, codebound.upload(round, options.photos()));
                measured(report, codebound.uploadOne(round, onePhoto));
                if (installed != null) {
                    measured(report, codebound.capture(Subject.CAPTURE_LAUNCHER, "capture-launcher-r" + round,
                            installed, round, photos));
                    measured(report, codebound.upload(Subject.UPLOAD_LAUNCHER, "upload-launcher-r" + round,
                            installed, round, options.photos()));
                    measured(report, codebound.uploadOne(Subject.UPLOAD_ONE_LAUNCHER, "upload-one-launcher-r" + round,
                            installed, round, onePhoto));
                }
            }
            if (options.countFsyncs()) {
                log("fsync pass under strace (not timed)");
                double n = options.photos();
                long rclone = peers.fsyncs(Subject.RCLONE, photos);
                report.fsyncs(Subject.RCLONE, rclone / n, rclone + " in the whole run (client and server)");
                long tus = peers.fsyncs(Subject.TUS, photos);
                report.fsyncs(Subject.TUS, tus / n, tus + " in the whole run (client and server)");
                CodeboundStation.Fsyncs station = codebound.fsyncs(photos);
                report.fsyncs(Subject.CAPTURE, station.capture() / n, station.capture() + " (station)");
                long upload = station.uploadStation() + station.uploadRegistry();
                report.fsyncs(Subject.UPLOAD, upload / n, String.format(Locale.ROOT,
                        "%d = station %d (%.1f/photo) + registry %d (%.1f/photo); capture adds %.1f/photo", upload,
                        station.uploadStation(), station.uploadStation() / n, station.uploadRegistry(),
                        station.uploadRegistry() / n, station.capture() / n));
            }
        }
        report.note("loadAverageAtEnd", Proc.loadAverage());
        report.note("durationSeconds", Duration.between(started, Instant.now()).toSeconds());
        System.out.println();
        System.out.printf(Locale.ROOT, "Side by side: %d photos (%.1f KB mean), %d round(s), %d at once, loopback%n",
                options.photos(), bytes / 1000.0 / options.photos(), options.rounds(), options.parallel());
        report.print(System.out);
        report.write(options.out());
        System.out.println("\nwrote " + options.out() + " (logs: " + logs + ")");
    }

    private static void measured(SideBySideReport report, Measurement m) {
        report.add(m);
        log("round %d  %-34s %7.1f files/s  %6.2f CPU ms/photo (client %.1f s + server %.1f s)  load %s", m.round(),
                m.subject().label(), m.filesPerSecond(), m.cpuMillisPerPhoto(), m.clientCpuSeconds(),
                m.serverCpuSeconds(), m.loadAverage());
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static void log(String format, Object... args) {
        System.err.println("sidebyside: " + String.format(Locale.ROOT, format, args));
    }
}
