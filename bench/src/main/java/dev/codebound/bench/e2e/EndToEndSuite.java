package dev.codebound.bench.e2e;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.bench.JfrProfile;
import dev.codebound.bench.JitWarmup;
import dev.codebound.bench.Photos;
import dev.codebound.bench.Report;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.server.MockRegistry;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import jdk.jfr.Recording;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * N stations × M photos captured (code verified, photo sealed), spooled and uploaded to the mock
 * registry over mutual TLS on loopback, with the registry's real acceptance (every envelope opened
 * and verified, archived, logged, receipted). Beside it, in the same run and interleaved round by
 * round, the ceiling: the same envelope bytes sent by plain OkHttp PUTs, with the same concurrency
 * (stations × the uploader's parallelism), to a trivial Netty sink, over mutual TLS and over plain
 * HTTP.
 */
public final class EndToEndSuite {
    record Scenario(String name, int stations, int photosPerStation, int photoSize) {
        int files() {
            return stations * photosPerStation;
        }

        /**
         * Photo {@code seed}: within the photo specification when its size allows (the registry accepts
         * it); else incompressible bytes, which the registry refuses unread after the whole transfer.
         */
        byte[] photo(long seed) {
            return Photos.withinSpecification(photoSize) ? Photos.jpeg(seed) : Photos.photo(photoSize, seed);
        }
    }

    /** What one subject round measured. */
    record Subject(double captureSeconds, double uploadSeconds, double totalSeconds, long envelopeBytes,
            int delivered, int notDelivered, List<List<byte[]>> envelopes) {}


    private EndToEndSuite() {}

    public static void run(Report report, boolean quick, Path work, Path jfrDir) throws Exception {
        // The ceiling's TLS and the subject's envelopes both use the JDK's AES-GCM: warm it for both.
        JitWarmup.bulkCrypto();
        int rounds = quick ? 1 : 2;
        List<Scenario> scenarios = quick
                ? List.of(new Scenario("45 KiB", 4, 40, Photos.SMALL), new Scenario("8 MiB", 4, 1, Photos.LARGE))
                : List.of(new Scenario("45 KiB", 4, 250, Photos.SMALL), new Scenario("8 MiB", 4, 5, Photos.LARGE));
        for (Scenario scenario : scenarios) {
            run(report, scenario, rounds, work.resolve(scenario.name().replace(' ', '-')), jfrDir);
        }
    }

    private static void run(Report report, Scenario scenario, int rounds, Path work, Path jfrDir) throws Exception {
        Files.createDirectories(work);
        int parallelism = UploadConfig.builder(HttpUrl.get("https://127.0.0.1/files/")).build().parallelism();
        Map<String, Object> section = report.section("e2e " + scenario.name());
        section.put("stations", scenario.stations());
        section.put("photosPerStation", scenario.photosPerStation());
        section.put("photoBytes", scenario.photoSize());
        section.put("uploaderParallelismPerStation", parallelism);
        List<Map<String, Object>> roundResults = new ArrayList<>();
        section.put("rounds", roundResults);

        try (MockRegistry server = Fleet.registry(work.resolve("registry"));
                Sink tlsSink = Sink.start(Fleet.tlsKey(server), Fleet.tlsCertificate(server),
                        Fleet.jdk(server.keyring().authority().certificate()), 2);
                Sink plainSink = Sink.start(null, null, null, 2)) {
            List<StationCredentials> stations = new ArrayList<>();
            for (int i = 0; i < scenario.stations(); i++) {
                stations.add(Fleet.enroll(server, "bench-" + i));
            }
            List<List<PhotoSource>> photos = new ArrayList<>();
            for (int i = 0; i < scenario.stations(); i++) {
                List<PhotoSource> mine = new ArrayList<>();
                for (int j = 0; j < scenario.photosPerStation(); j++) {
                    mine.add(PhotoSource.of(scenario.photo(1000L * i + j)));
                }
                photos.add(mine);
            }
            // An untimed warm-up round (a quarter of the photos) gets the JIT past BC's EC code, the TLS
            // stack and the registry's acceptance; it is the round profiled with JFR, so the recorder's
            // overhead touches no timed round.
            {
                int warmPhotos = Math.max(1, scenario.photosPerStation() / 4);
                List<List<IssuedCode>> codes = new ArrayList<>();
                List<List<PhotoSource>> warmSet = new ArrayList<>();
                for (int i = 0; i < scenario.stations(); i++) {
                    codes.add(Fleet.codes(server, warmPhotos, 10_000 * i));
                    warmSet.add(photos.get(i).subList(0, warmPhotos));
                }
                Recording recording = jfrDir != null ? JfrProfile.start() : null;
                Subject warm = subject(server, stations, codes, warmSet, work.resolve("warm-up"));
                if (recording != null) {
                    Path file = jfrDir.resolve("e2e-" + scenario.name().replace(' ', '-') + ".jfr");
                    Map<String, Object> profile = JfrProfile.stopAndSummarize(recording, file);
                    profile.put("filesInProfiledRound", warm.delivered());
                    section.put("profile", profile);
                }
                ceiling(tlsSink, i -> Fleet.client(server, stations.get(i)).build(), warm, parallelism);
                ceiling(plainSink, i -> new OkHttpClient(), warm, parallelism);
            }
            for (int round = 0; round < rounds; round++) {
                List<List<IssuedCode>> codes = new ArrayList<>();
                for (int i = 0; i < scenario.stations(); i++) {
                    codes.add(Fleet.codes(server, scenario.photosPerStation(),
                            100_000 * (round + 1) + 10_000 * i));
                }
                Subject subject = subject(server, stations, codes, photos, work.resolve("round-" + round));
                double tls;
                double plain;
                if (round % 2 == 0) {
                    tls = ceiling(tlsSink, i -> Fleet.client(server, stations.get(i)).build(), subject, parallelism);
                    plain = ceiling(plainSink, i -> new OkHttpClient(), subject, parallelism);
                } else {
                    plain = ceiling(plainSink, i -> new OkHttpClient(), subject, parallelism);
                    tls = ceiling(tlsSink, i -> Fleet.client(server, stations.get(i)).build(), subject, parallelism);
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("captureSeconds", subject.captureSeconds());
                r.put("uploadSeconds", subject.uploadSeconds());
                r.put("totalSeconds", subject.totalSeconds());
                r.put("envelopeBytes", subject.envelopeBytes());
                r.put("delivered", subject.delivered());
                r.put("notDelivered", subject.notDelivered());
                r.put("ceilingHttpsSeconds", tls);
                r.put("ceilingHttpSeconds", plain);
                roundResults.add(r);
                System.err.printf("   %s round %d: capture %.2f s, upload %.2f s, HTTPS ceiling %.2f s, "
                        + "HTTP ceiling %.2f s, delivered %d/%d%n", scenario.name(), round,
                        subject.captureSeconds(), subject.uploadSeconds(), tls, plain, subject.delivered(),
                        scenario.files());
            }
        }

        int files = scenario.files();
        double total = mean(roundResults, "totalSeconds");
        double upload = mean(roundResults, "uploadSeconds");
        double capture = mean(roundResults, "captureSeconds");
        double https = mean(roundResults, "ceilingHttpsSeconds");
        double http = mean(roundResults, "ceilingHttpSeconds");
        double bytes = mean(roundResults, "envelopeBytes");
        int notDelivered = roundResults.stream().mapToInt(r -> (Integer) r.get("notDelivered")).sum();
        // Ratios per round (subject and ceiling measured back to back), then averaged.
        double e2eRatio = roundResults.stream().mapToDouble(r -> (Double) r.get("ceilingHttpsSeconds")
                / (Double) r.get("totalSeconds")).average().orElse(Double.NaN);
        double uploadRatio = roundResults.stream().mapToDouble(r -> (Double) r.get("ceilingHttpsSeconds")
                / (Double) r.get("uploadSeconds")).average().orElse(Double.NaN);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("endToEndFilesPerSecond", files / total);
        summary.put("endToEndMBps", bytes / total / 1e6);
        summary.put("captureFilesPerSecond", files / capture);
        summary.put("uploadFilesPerSecond", files / upload);
        summary.put("uploadMBps", bytes / upload / 1e6);
        summary.put("ceilingHttpsFilesPerSecond", files / https);
        summary.put("ceilingHttpsMBps", bytes / https / 1e6);
        summary.put("ceilingHttpFilesPerSecond", files / http);
        summary.put("ceilingHttpMBps", bytes / http / 1e6);
        summary.put("endToEndFractionOfHttpsCeiling", e2eRatio);
        summary.put("uploadFractionOfHttpsCeiling", uploadRatio);
        summary.put("notDelivered", notDelivered);
        section.put("summary", summary);

        boolean small = scenario.photoSize() < 1 << 20;
        String label = scenario.files() + " x " + scenario.name();
        report.row("e2e", label + ": capture+spool+upload",
                Report.f("%.1f files/s, %.1f MB/s", files / total, bytes / total / 1e6),
                Report.f("HTTPS PUT: %.1f files/s, %.1f MB/s", files / https, bytes / https / 1e6),
                Report.f("%.0f%%", 100 * e2eRatio), small ? ">= 50% (files/s)" : "",
                small ? e2eRatio >= 0.5 && notDelivered == 0 : null);
        report.row("e2e", label + ": upload phase only",
                Report.f("%.1f files/s, %.1f MB/s", files / upload, bytes / upload / 1e6),
                Report.f("HTTPS PUT: %.1f files/s", files / https), Report.f("%.0f%%", 100 * uploadRatio), "", null);
        report.row("e2e", label + ": capture phase only (verify code, seal, spool)",
                Report.f("%.1f files/s", files / capture), "", "", "", null);
        report.row("e2e", label + ": ceiling over plain HTTP",
                Report.f("%.1f files/s, %.1f MB/s", files / http, bytes / http / 1e6), "",
                Report.f("HTTPS = %.0f%% of HTTP", 100 * http / https), "", null);
    }

    private static double mean(List<Map<String, Object>> rounds, String key) {
        return rounds.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).average().orElse(Double.NaN);
    }

    private static Subject subject(MockRegistry server, List<StationCredentials> stations,
            List<List<IssuedCode>> codes, List<List<PhotoSource>> photos, Path work) throws Exception {
        int n = stations.size();
        TrustBundle bundle = server.registry().trustBundles().currentBundle();
        HttpUrl endpoint = HttpUrl.get(server.baseUri() + "/files/");
        CyclicBarrier start = new CyclicBarrier(n + 1);
        AtomicLong captured = new AtomicLong();
        CyclicBarrier allCaptured = new CyclicBarrier(n, () -> captured.set(System.nanoTime()));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<UploadRun>> runs = new ArrayList<>();
        List<Spool> spools = new ArrayList<>();
        List<OkHttpClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(Fleet.client(server, stations.get(i)).build());
            Path dir = work.resolve("station-" + i);
            Files.createDirectories(dir.resolve("tmp"));
            spools.add(Spool.open(dir.resolve("spool"), Clock.systemUTC()));
        }
        long t0;
        try {
            for (int i = 0; i < n; i++) {
                int station = i;
                runs.add(pool.submit(() -> {
                    StationCredentials credentials = stations.get(station);
                    Spool spool = spools.get(station);
                    OkHttpClient client = clients.get(station);
                    CodeVerifier verifier = new CodeVerifier(bundle);
                    Path tmp = work.resolve("station-" + station).resolve("tmp");
                    start.await();
                    for (int j = 0; j < photos.get(station).size(); j++) {
                        IssuedCode code = codes.get(station).get(j);
                        Instant now = Instant.now();
                        EnvelopeSealer sealer = EnvelopeSealer.forBundle(credentials, bundle, now);
                        Path sealed = tmp.resolve("photo-" + j + ".cms");
                        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(sealed), 1 << 16)) {
                            sealer.seal(photos.get(station).get(j), verifier.verify(code.text(), now),
                                    CaptureMetadata.jpeg(now), out);
                        }
                        spool.enqueue(sealed, code.codeId(), credentials.stationId(), "photo-" + j + ".cms");
                        Files.delete(sealed);
                    }
                    allCaptured.await();
                    return new Uploader(UploadConfig.builder(endpoint).build(), client, spool, ProgressListener.NONE)
                            .runOnce();
                }));
            }
            start.await();
            t0 = System.nanoTime();
            int delivered = 0;
            for (Future<UploadRun> run : runs) {
                delivered += run.get().delivered();
            }
            long end = System.nanoTime();
            long bytes = 0;
            int notDelivered = 0;
            List<List<byte[]>> envelopes = new ArrayList<>();
            for (Spool spool : spools) {
                List<byte[]> mine = new ArrayList<>();
                for (SpoolEntry entry : spool.entries()) {
                    if (entry.state() != EntryState.DELIVERED) {
                        notDelivered++;
                        System.err.println("   not delivered: " + entry);
                    }
                    byte[] envelope = Files.readAllBytes(spool.envelopeFile(entry.id()));
                    bytes += envelope.length;
                    mine.add(envelope);
                }
                envelopes.add(mine);
            }
            return new Subject((captured.get() - t0) / 1e9, (end - captured.get()) / 1e9, (end - t0) / 1e9, bytes,
                    delivered, notDelivered, envelopes);
        } finally {
            pool.shutdownNow();
            for (Spool spool : spools) {
                spool.close();
            }
        }
    }

    /** Seconds to PUT every station's envelopes, {@code parallelism} at a time per station, all stations at once. */
    private static double ceiling(Sink sink, Function<Integer, OkHttpClient> clients, Subject subject,
            int parallelism) throws Exception {
        List<PutLoad.Lane> lanes = new ArrayList<>();
        for (int i = 0; i < subject.envelopes().size(); i++) {
            lanes.add(new PutLoad.Lane(clients.apply(i), sink.baseUrl() + "/sink/" + i, subject.envelopes().get(i),
                    parallelism));
        }
        long requestsBefore = sink.requests.get();
        double seconds = PutLoad.send(lanes);
        long requests = sink.requests.get() - requestsBefore;
        int expected = subject.envelopes().stream().mapToInt(List::size).sum();
        if (requests != expected) {
            throw new IllegalStateException("ceiling run failed: the sink saw " + requests + " requests for "
                    + expected + " envelopes");
        }
        return seconds;
    }
}
