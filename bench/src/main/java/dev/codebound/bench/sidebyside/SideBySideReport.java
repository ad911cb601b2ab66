package dev.codebound.bench.sidebyside;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The comparison's result: every round's raw figures, each subject's medians over the rounds, and the
 * ratios to the best peer (the peer with the most files/s for throughput, the one with the least CPU per
 * photo for CPU). Printed as a table and written as JSON.
 */
final class SideBySideReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> run = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<Subject, String> fsyncs = new EnumMap<>(Subject.class);
    private final Map<Subject, Double> fsyncsPerPhoto = new EnumMap<>(Subject.class);
    private double jpegDecodeMillisPerPhoto = Double.NaN;
    private String launcherNote;
    private final List<String> stationHistory = new ArrayList<>();

    /** A fact about the run (machine, options, photos), kept in the JSON. */
    void note(String key, Object value) {
        run.put(key, value);
    }

    /** What the launcher rows ran: the installation's launcher and whether it had a class archive. */
    void launcherNote(String note) {
        launcherNote = note;
    }

    /**
     * What the station carried when round {@code round}'s captures began: its unsettled spool entries
     * and its transfer log's length, which every agent command's start pays for in part.
     */
    void stationHistory(int round, String history) {
        stationHistory.add("round " + round + ": " + history);
        run.put("stationHistory", List.copyOf(stationHistory));
    }

    void add(Measurement measurement) {
        measurements.add(measurement);
    }

    /** The fsync count of a subject's strace pass: the total per photo, and how it splits (e.g. client and server). */
    void fsyncs(Subject subject, double perPhoto, String split) {
        fsyncsPerPhoto.put(subject, perPhoto);
        fsyncs.put(subject, split);
    }

    /** CPU per photo of JPEG decoding alone (see {@link JpegDecodeReference}), the floor under capture. */
    void jpegDecodeMillisPerPhoto(double millis) {
        jpegDecodeMillisPerPhoto = millis;
        run.put("jpegDecodeCpuMillisPerPhoto", millis);
    }

    private List<Measurement> of(Subject subject) {
        return measurements.stream().filter(m -> m.subject() == subject).toList();
    }

    private double median(Subject subject, ToDoubleFunction<Measurement> figure) {
        double[] values = of(subject).stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private double bestPeer(ToDoubleFunction<Measurement> figure, boolean higherIsBetter) {
        double best = Double.NaN;
        for (Subject subject : Subject.values()) {
            double value = median(subject, figure);
            if (subject.peer() && !Double.isNaN(value)
                    && (Double.isNaN(best) || (higherIsBetter ? value > best : value < best))) {
                best = value;
            }
        }
        return best;
    }

    void print(PrintStream out) {
        double bestRate = bestPeer(Measurement::filesPerSecond, true);
        double bestCpu = bestPeer(Measurement::cpuMillisPerPhoto, false);
        out.printf(Locale.ROOT, "%-34s %8s %11s %17s %13s %15s %12s %12s%n", "subject (medians)", "files/s",
                "CPU ms/photo", "client + server", "fsyncs/photo", "peak RSS MiB", "files/s vs", "CPU/photo vs");
        out.printf(Locale.ROOT, "%-34s %8s %11s %17s %13s %15s %12s %12s%n", "", "", "(c+s)", "", "",
                "client/server", "best peer", "best peer");
        for (Subject subject : Subject.values()) {
            if (of(subject).isEmpty() || !subject.tabled()) {
                continue;
            }
            double rate = median(subject, Measurement::filesPerSecond);
            double cpu = median(subject, Measurement::cpuMillisPerPhoto);
            double client = median(subject, m -> m.clientCpuSeconds() * 1000 / m.files());
            double server = median(subject, m -> m.serverCpuSeconds() * 1000 / m.files());
            double clientRss = median(subject, m -> m.clientPeakRssKiB() / 1024.0);
            double serverRss = median(subject, m -> m.serverPeakRssKiB() / 1024.0);
            Double fsync = fsyncsPerPhoto.get(subject);
            out.printf(Locale.ROOT, "%-34s %8.1f %11.2f %17s %13s %15s %11.2fx %11.2fx%n", subject.label(), rate, cpu,
                    String.format(Locale.ROOT, "%.2f + %.2f", client, server),
                    fsync == null ? "-" : String.format(Locale.ROOT, "%.1f", fsync),
                    String.format(Locale.ROOT, "%.0f / %s", clientRss, serverRss == 0 ? "-"
                            : String.format(Locale.ROOT, "%.0f", serverRss)),
                    rate / bestRate, cpu / bestCpu);
        }
        out.println();
        if (launcherNote != null) {
            out.println(launcherNote);
        }
        if (!stationHistory.isEmpty()) {
            out.println("station at each round's start (delivered entries stay until their originals' retention ends,"
                    + " an hour by default): " + String.join("; ", stationHistory));
        }
        printCapture(out, Subject.CAPTURE, "capture");
        printCapture(out, Subject.CAPTURE_LAUNCHER, "capture (launcher)");
        printUploadSplit(out, Subject.UPLOAD, Subject.UPLOAD_ONE, "upload");
        printUploadSplit(out, Subject.UPLOAD_LAUNCHER, Subject.UPLOAD_ONE_LAUNCHER, "upload (launcher)");
        for (Map.Entry<Subject, String> fsync : fsyncs.entrySet()) {
            out.println("fsyncs, " + fsync.getKey().label() + ": " + fsync.getValue());
        }
        out.println("load average (1, 5, 15 min) before each subject, per round:");
        for (Measurement m : measurements) {
            out.printf(Locale.ROOT, "  round %d %-34s %s  (%.1f files/s, %.2f CPU ms/photo)%n", m.round(),
                    m.subject().label(), m.loadAverage(), m.filesPerSecond(), m.cpuMillisPerPhoto());
        }
    }

    /** A capture row's CPU per photo beside the JPEG decoding floor. */
    private void printCapture(PrintStream out, Subject subject, String label) {
        double capture = median(subject, Measurement::cpuMillisPerPhoto);
        if (!Double.isNaN(capture)) {
            out.printf(Locale.ROOT, "%s: %.2f CPU ms/photo, of which JPEG decoding alone (JpegDecoder, warm JVM) "
                    + "%.2f: %.2f ms/photo beyond decoding%n", label, capture, jpegDecodeMillisPerPhoto,
                    capture - jpegDecodeMillisPerPhoto);
        }
    }

    /**
     * An upload's CPU split into what a run costs whatever it carries (the one-photo upload) and the
     * marginal cost of a photo: (CPU of the N-photo run - CPU of the one-photo run) / (N - 1).
     */
    private void printUploadSplit(PrintStream out, Subject upload, Subject uploadOne, String label) {
        if (of(uploadOne).isEmpty() || of(upload).isEmpty()) {
            return;
        }
        int n = of(upload).get(0).files();
        double oneClient = median(uploadOne, Measurement::clientCpuSeconds);
        double oneServer = median(uploadOne, Measurement::serverCpuSeconds);
        double oneWall = median(uploadOne, Measurement::seconds);
        double client = median(upload, Measurement::clientCpuSeconds);
        double server = median(upload, Measurement::serverCpuSeconds);
        out.printf(Locale.ROOT, "%s, fixed cost of a run (one photo alone): %.2f CPU-s client + %.2f server, "
                + "%.2f s wall; at %d photos that is %.2f CPU ms/photo%n", label, oneClient, oneServer, oneWall, n,
                (oneClient + oneServer) * 1000 / n);
        out.printf(Locale.ROOT, "%s, marginal cost of a photo ((%d-photo run - one-photo run) / %d): %.2f CPU ms "
                + "client + %.2f server = %.2f%n", label, n, n - 1, (client - oneClient) * 1000 / (n - 1),
                (server - oneServer) * 1000 / (n - 1), (client + server - oneClient - oneServer) * 1000 / (n - 1));
    }

    void write(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>(run);
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (Measurement m : measurements) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("subject", m.subject().label());
            row.put("round", m.round());
            row.put("files", m.files());
            row.put("seconds", m.seconds());
            row.put("filesPerSecond", m.filesPerSecond());
            row.put("clientCpuSeconds", m.clientCpuSeconds());
            row.put("serverCpuSeconds", m.serverCpuSeconds());
            row.put("cpuMillisPerPhoto", m.cpuMillisPerPhoto());
            row.put("clientPeakRssKiB", m.clientPeakRssKiB());
            row.put("serverPeakRssKiB", m.serverPeakRssKiB());
            row.put("loadAverage", m.loadAverage());
            rounds.add(row);
        }
        root.put("measurements", rounds);
        Map<String, Object> medians = new LinkedHashMap<>();
        double bestRate = bestPeer(Measurement::filesPerSecond, true);
        double bestCpu = bestPeer(Measurement::cpuMillisPerPhoto, false);
        for (Subject subject : Subject.values()) {
            if (of(subject).isEmpty()) {
                continue;
            }
            Map<String, Object> median = new LinkedHashMap<>();
            median.put("clientCpuSeconds", median(subject, Measurement::clientCpuSeconds));
            median.put("serverCpuSeconds", median(subject, Measurement::serverCpuSeconds));
            median.put("filesPerSecond", median(subject, Measurement::filesPerSecond));
            median.put("cpuMillisPerPhoto", median(subject, Measurement::cpuMillisPerPhoto));
            median.put("clientCpuMillisPerPhoto", median(subject, m -> m.clientCpuSeconds() * 1000 / m.files()));
            median.put("serverCpuMillisPerPhoto", median(subject, m -> m.serverCpuSeconds() * 1000 / m.files()));
            median.put("clientPeakRssKiB", median(subject, m -> m.clientPeakRssKiB()));
            median.put("serverPeakRssKiB", median(subject, m -> m.serverPeakRssKiB()));
            median.put("fsyncsPerPhoto", fsyncsPerPhoto.get(subject));
            median.put("fsyncs", fsyncs.get(subject));
            median.put("filesPerSecondVsBestPeer", median(subject, Measurement::filesPerSecond) / bestRate);
            median.put("cpuPerPhotoVsBestPeer", median(subject, Measurement::cpuMillisPerPhoto) / bestCpu);
            medians.put(subject.label(), median);
        }
        root.put("medians", medians);
        root.put("captureCpuMillisPerPhotoBeyondJpegDecoding",
                median(Subject.CAPTURE, Measurement::cpuMillisPerPhoto) - jpegDecodeMillisPerPhoto);
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), root);
    }
}
