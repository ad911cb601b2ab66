package dev.codebound.bench.e2e;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.RetryPolicy;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Resume cost: an envelope is uploaded through a {@link KillingProxy} that resets the connection
 * once, after a seeded random number of client bytes; the uploader retries, asks the registry for
 * its offset (HEAD) and resumes. Bytes re-sent = PATCH body bytes sent minus the envelope's
 * length, per interruption; the target is at most one chunk.
 */
public final class ResumeSuite {
    private ResumeSuite() {}

    public static void run(Report report, boolean quick, Path work) throws Exception {
        int trials = quick ? 3 : 10;
        int[] chunks = {UploadConfig.DEFAULT_CHUNK_SIZE, 256 * 1024};
        int photoSize = 4 * 1024 * 1024;
        SplittableRandom random = new SplittableRandom(20261126L);
        Map<String, Object> section = report.section("resume");
        section.put("seed", 20261126L);
        section.put("photoBytes", photoSize);
        Files.createDirectories(work);
        try (MockRegistry server = Fleet.registry(work.resolve("registry"));
                KillingProxy proxy = new KillingProxy(server.port())) {
            StationCredentials station = Fleet.enroll(server, "bench-resume");
            TrustBundle bundle = server.registry().trustBundles().currentBundle();
            HttpUrl endpoint = HttpUrl.get("https://127.0.0.1:" + proxy.port() + "/files/");
            OkHttpClient client = Fleet.client(server, station).build();
            List<IssuedCode> codes = Fleet.codes(server, trials * chunks.length, 900_000);
            int codeIndex = 0;
            for (int chunk : chunks) {
                List<Map<String, Object>> results = new ArrayList<>();
                long totalResent = 0;
                long maxResent = 0;
                int totalKills = 0;
                for (int t = 0; t < trials; t++) {
                    IssuedCode code = codes.get(codeIndex++);
                    Path dir = work.resolve("c" + chunk + "-t" + t);
                    Files.createDirectories(dir);
                    Path sealed = dir.resolve("photo.cms");
                    Instant now = Instant.now();
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(sealed), 1 << 16)) {
                        EnvelopeSealer.forBundle(station, bundle, now).seal(
                                PhotoSource.of(Photos.photo(photoSize, 5000 + codeIndex)),
                                new CodeVerifier(bundle).verify(code.text(), now), CaptureMetadata.jpeg(now), out);
                    }
                    long length = Files.size(sealed);
                    long killAt = 4096 + random.nextLong(length);
                    try (Spool spool = Spool.open(dir.resolve("spool"), Clock.systemUTC())) {
                        SpoolEntry entry = spool.enqueue(sealed, code.codeId(), station.stationId(), "photo.cms");
                        UploadConfig config = UploadConfig.builder(endpoint).chunkSize(chunk)
                                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(20))
                                        .maxDelay(Duration.ofMillis(200)).maxAttempts(20).build())
                                .build();
                        int killsBefore = proxy.kills.get();
                        proxy.killAfter(killAt);
                        UploadRun run = new Uploader(config, client, spool, ProgressListener.NONE).runOnce();
                        proxy.killAfter(Long.MAX_VALUE / 2);
                        int kills = proxy.kills.get() - killsBefore;
                        EntryState state = spool.entry(entry.id()).orElseThrow().state();
                        long resent = run.bytesSent() - length;
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("chunkBytes", chunk);
                        r.put("envelopeBytes", length);
                        r.put("killAfterClientBytes", killAt);
                        r.put("interruptions", kills);
                        r.put("bytesSent", run.bytesSent());
                        r.put("bytesResentCountedByUploader", run.bytesResent());
                        r.put("bytesResent", resent);
                        r.put("state", state.name());
                        results.add(r);
                        // Larger than any photo within the specification, the envelope is refused by acceptance
                        // (ENVELOPE_TOO_LARGE) once its last byte is stored: the upload itself completed.
                        EntryState expected = Photos.withinSpecification(photoSize) ? EntryState.DELIVERED
                                : EntryState.REJECTED;
                        if (state != expected) {
                            throw new IllegalStateException("resume trial did not complete its upload: " + r);
                        }
                        totalKills += kills;
                        totalResent += resent;
                        if (kills > 0) {
                            maxResent = Math.max(maxResent, resent / kills);
                        }
                    }
                    client.connectionPool().evictAll();
                }
                double perInterruption = totalKills == 0 ? 0 : (double) totalResent / totalKills;
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("trials", results);
                summary.put("interruptions", totalKills);
                summary.put("meanBytesResentPerInterruption", perInterruption);
                summary.put("maxBytesResentPerInterruption", maxResent);
                summary.put("maxInChunks", (double) maxResent / chunk);
                section.put("chunk " + chunk, summary);
                report.row("resume", Report.f("%d interruptions, %d KiB chunks", totalKills, chunk / 1024),
                        Report.f("mean %.0f KiB, max %.0f KiB re-sent", perInterruption / 1024, maxResent / 1024.0),
                        Report.f("1 chunk = %d KiB", chunk / 1024),
                        Report.f("max %.2f chunk", (double) maxResent / chunk), "<= 1 chunk",
                        totalKills > 0 && maxResent <= chunk);
            }
        }
    }
}
