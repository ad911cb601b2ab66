package dev.codebound.bench.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.bench.Photos;
import dev.codebound.bench.Report;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.bench.e2e.RequestTimer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.server.MockRegistry;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** Memory: the agent uploading a huge envelope under -Xmx64m, and the registry serving many stations under -Xmx512m. */
public final class MemorySuite {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MemorySuite() {}

    private static List<String> java(Path jar, String heap, Path gcLog, Class<?> main) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        String headerTimeout = System.getProperty("codebound.bench.headerTimeoutSeconds");
        if (headerTimeout != null) {
            command.add("-Dcodebound.bench.headerTimeoutSeconds=" + headerTimeout);
        }
        command.add("-Xlog:gc:file=" + gcLog);
        command.add("-cp");
        command.add(jar.toString());
        command.add(main.getName());
        return command;
    }

    /** The agent, in a child JVM with -Xmx64m, spools and uploads one 1 GiB envelope (256 MiB in quick mode). */
    public static void agent(Report report, boolean quick, Path work, Path jar) throws Exception {
        long photoSize = quick ? 128L << 20 : 1L << 30;
        Files.createDirectories(work);
        Map<String, Object> section = report.section("memory agent");
        try (MockRegistry server = Fleet.registry(work.resolve("registry"))) {
            StationCredentials station = Fleet.enroll(server, "bench-memory");
            IssuedCode code = Fleet.codes(server, 1, 800_000).get(0);
            TrustBundle bundle = server.registry().trustBundles().currentBundle();
            Path photo = work.resolve("photo.jpg");
            Path envelope = work.resolve("photo.cms");
            Photos.write(photo, photoSize, 99);
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(envelope), 1 << 16)) {
                EnvelopeSealer.forBundle(station, bundle, now).seal(PhotoSource.of(photo),
                        new CodeVerifier(bundle).verify(code.text(), now), CaptureMetadata.jpeg(now), out);
            }
            section.put("sealSeconds", (System.nanoTime() - t0) / 1e9);
            Files.delete(photo);
            Path key = work.resolve("station.key.pem");
            Path cert = work.resolve("station.cert.pem");
            PemFiles.writePrivateKey(key, station.privateKey(), null);
            PemFiles.writeCertificates(cert, List.of(station.certificate()));
            Path gcLog = work.resolve("gc-agent.log");
            List<String> command = java(jar, "-Xmx64m", gcLog, AgentUploadChild.class);
            command.addAll(List.of(work.resolve("spool").toString(), envelope.toString(), code.codeId(),
                    server.baseUri() + "/files/", key.toString(), cert.toString(),
                    server.caCertificateFile().toAbsolutePath().toString(), gcLog.toString()));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, Object> result = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("RESULT ")) {
                        result = JSON.readValue(line.substring(7), Map.class);
                    }
                }
            }
            if (!child.waitFor(15, TimeUnit.MINUTES)) {
                child.destroyForcibly();
            }
            int exit = child.exitValue();
            if (result == null) {
                result = new LinkedHashMap<>();
            }
            result.put("exitCode", exit);
            result.put("xmx", "64m");
            section.putAll(result);
            // A 1 GiB envelope holds no photo within the specification: acceptance refuses it unread
            // (ENVELOPE_TOO_LARGE) once the last byte is stored, which completes the upload measured here.
            String expected = Photos.withinSpecification(photoSize) ? "DELIVERED" : "REJECTED";
            boolean ok = exit == 0 && expected.equals(result.get("state"));
            long peak = ((Number) result.getOrDefault("heapPoolPeaksSumBytes", -1)).longValue();
            long gcPeak = ((Number) result.getOrDefault("gcLogPeakBeforeCollectionBytes", -1)).longValue();
            long sampled = ((Number) result.getOrDefault("sampledHeapPeakBytes", -1)).longValue();
            // The heap can never hold more than -Xmx; the GC log's occupancy before each collection is the
            // true peak. The sum of the pools' peaks is a loose upper bound (each pool peaks at its own moment).
            report.row("memory", Report.f("agent uploads a %d MiB envelope, -Xmx64m", photoSize >> 20),
                    Report.f("%s in %.0f s; heap peak %.0f MiB (GC log), %.0f MiB (sampled), pools' peaks sum %.0f MiB",
                            ok ? "uploaded, " + expected
                                    : "FAILED (" + result.get("error") + ", " + result.get("state") + ")",
                            ((Number) result.getOrDefault("uploadSeconds", 0)).doubleValue(), gcPeak / 1048576.0,
                            sampled / 1048576.0, peak / 1048576.0),
                    "", "", "<= 64 MiB, succeeds", ok && gcPeak >= 0 && gcPeak <= 64L << 20);
        }
    }

    /** The registry, in a child JVM with -Xmx512m, takes one upload from each of 200 stations at once. */
    public static void server(Report report, Path work, Path jar) throws Exception {
        int stations = 200;
        // Photos within the specification (acceptance decodes and checks each one): about 45 KiB.
        int photoSize = Photos.SMALL;
        int chunk = 16 * 1024; // three PATCHes per photo: the chunk latency below is measured under that load
        Files.createDirectories(work);
        Path manifest = work.resolve("manifest.tsv");
        Path gcLog = work.resolve("gc-server.log");
        List<String> command = java(jar, "-Xmx512m", gcLog, ServerChild.class);
        command.addAll(List.of(work.resolve("server").toString(), Integer.toString(stations),
                Integer.toString(photoSize), manifest.toString(), gcLog.toString(),
                jar.getParent().resolve("server-200-stations.jfr").toString()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Object> section = report.section("memory server");
        section.put("stations", stations);
        section.put("photoBytes", photoSize);
        section.put("chunkBytes", chunk);
        section.put("xmx", "512m");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
                Writer in = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            int port = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    port = Integer.parseInt(line.substring(6).strip());
                    break;
                }
            }
            if (port < 0) {
                throw new IOException("the registry child did not start (exit " + child.waitFor() + ")");
            }
            List<String[]> rows = new ArrayList<>();
            Path ca = null;
            for (String line : Files.readAllLines(manifest)) {
                String[] fields = line.split("\t");
                if (fields[0].equals("CA")) {
                    ca = Path.of(fields[1]);
                } else {
                    rows.add(fields);
                }
            }
            var caCertificate = PemFiles.readCertificates(ca).get(0);
            HttpUrl endpoint = HttpUrl.get("https://127.0.0.1:" + port + "/files/");
            RequestTimer timer = new RequestTimer("PATCH");
            List<Spool> spools = new ArrayList<>();
            List<OkHttpClient> clients = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                String[] row = rows.get(i);
                Spool spool = Spool.open(work.resolve("spools").resolve(Integer.toString(i)), Clock.systemUTC());
                spool.enqueue(Path.of(row[4]), row[1], row[0], "load.cms");
                spools.add(spool);
                clients.add(MutualTls.create(PemFiles.readPrivateKey(Path.of(row[2]), null),
                        PemFiles.readCertificates(Path.of(row[3])), caCertificate)
                        .addNetworkInterceptor(timer).build());
            }
            UploadConfig config = UploadConfig.builder(endpoint).chunkSize(chunk).parallelism(1).build();
            ExecutorService pool = Executors.newFixedThreadPool(rows.size());
            CyclicBarrier start = new CyclicBarrier(rows.size() + 1);
            long[][] spans = new long[rows.size()][2];
            List<Future<UploadRun>> runs = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                int k = i;
                runs.add(pool.submit(() -> {
                    start.await();
                    spans[k][0] = System.nanoTime();
                    try {
                        return new Uploader(config, clients.get(k), spools.get(k), ProgressListener.NONE).runOnce();
                    } finally {
                        spans[k][1] = System.nanoTime();
                    }
                }));
            }
            start.await();
            long t0 = System.nanoTime();
            int delivered = 0;
            int failed = 0;
            long bytes = 0;
            for (Future<UploadRun> run : runs) {
                UploadRun r = run.get();
                delivered += r.delivered();
                failed += r.failed() + r.rejected() + r.corrupt() + r.notStarted();
                bytes += r.bytesSent();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdownNow();
            for (Spool spool : spools) {
                spool.close();
            }
            in.write("REPORT\n");
            in.flush();
            Map<String, Object> heap = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    heap = JSON.readValue(line.substring(7), Map.class);
                    break;
                }
            }
            child.waitFor(60, TimeUnit.SECONDS);
            int concurrent = peakOverlap(spans);
            long errors = timer.errorResponses.get() + timer.failedExchanges.get() + failed;
            section.put("seconds", seconds);
            section.put("delivered", delivered);
            section.put("notDelivered", failed);
            section.put("errorResponses", timer.errorResponses.get());
            section.put("failedExchanges", timer.failedExchanges.get());
            section.put("errorSamples", new ArrayList<>(timer.errors));
            section.put("peakConcurrentUploads", concurrent);
            section.put("chunks", timer.count());
            section.put("chunkLatencyP50Millis", timer.percentileMillis(50));
            section.put("chunkLatencyP99Millis", timer.percentileMillis(99));
            section.put("chunkLatencyMaxMillis", timer.maxMillis());
            section.put("bytesSent", bytes);
            section.put("heap", heap);
            long peak = heap == null ? -1 : ((Number) heap.get("heapPoolPeaksSumBytes")).longValue();
            long gcPeak = heap == null ? -1 : ((Number) heap.getOrDefault("gcLogPeakBeforeCollectionBytes", -1))
                    .longValue();
            report.row("server", Report.f("%d stations at once (peak %d concurrent), %d KiB each, -Xmx512m",
                    stations, concurrent, photoSize >> 10),
                    Report.f("%d/%d delivered, %d errors; heap peak %.0f MiB (GC log), pools' peaks sum %.0f MiB",
                            delivered, stations, errors, gcPeak / 1048576.0, peak / 1048576.0),
                    "", "", "0 errors, heap <= 512 MiB", errors == 0 && delivered == stations && peak >= 0
                            && peak <= 512L << 20);
            report.row("server", Report.f("chunk (PATCH %d KiB) latency under that load", chunk >> 10),
                    Report.f("p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d chunks)", timer.percentileMillis(50),
                            timer.percentileMillis(99), timer.maxMillis(), timer.count()),
                    Report.f("%.1f MB/s overall", bytes / seconds / 1e6), "", "", null);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    /** The largest number of [start, end] spans that overlap at one moment. */
    static int peakOverlap(long[][] spans) {
        List<long[]> events = new ArrayList<>();
        for (long[] span : spans) {
            events.add(new long[] {span[0], 1});
            events.add(new long[] {span[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int peak = 0;
        for (long[] event : events) {
            current += event[1];
            peak = Math.max(peak, current);
        }
        return peak;
    }
}
