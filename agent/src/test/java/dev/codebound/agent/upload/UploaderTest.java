package dev.codebound.agent.upload;

import static dev.codebound.agent.upload.InMemoryTusServer.problem;
import static dev.codebound.agent.upload.InMemoryTusServer.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.testing.Envelopes;
import dev.codebound.agent.testing.FakeTime;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tus flow against an in-memory tus server over loopback HTTP, with injected faults. The
 * central promises checked throughout: every envelope is delivered, the registry accepts it once,
 * the server receives exactly its bytes, and each interruption re-sends at most one chunk.
 */
class UploaderTest {
    private static final int CHUNK = 8 * 1024;

    @TempDir
    Path temp;

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-01T23:00:00Z"));
    private MockWebServer server;
    private InMemoryTusServer tus;
    private Spool spool;
    private final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        tus = new InMemoryTusServer(server);
        server.setDispatcher(tus);
        server.start(InetAddress.getLoopbackAddress(), 0);
        spool = Spool.open(temp.resolve("spool"), time.clock());
    }

    @AfterEach
    void stop() throws IOException {
        spool.close();
        server.close();
        client.connectionPool().evictAll();
    }

    private UploadConfig.Builder config() {
        return UploadConfig.builder(server.url("/files/"))
                .chunkSize(CHUNK)
                .creationWithUploadLimit(0)
                .parallelism(1)
                .retryPolicy(RetryPolicy.builder().maxAttempts(6).build())
                .clock(time.clock())
                .sleeper(time.sleeper())
                .nanoTime(time::nanoTime)
                .random(new SplittableRandom(7));
    }

    private UploadRun run(UploadConfig.Builder config) throws IOException, InterruptedException {
        return new Uploader(config.build(), client, spool, ProgressListener.NONE).runOnce();
    }

    private SpoolEntry enqueue(String name, int length, long seed) throws IOException {
        return spool.enqueue(Envelopes.write(temp.resolve("sealed"), name, length, seed), "code-" + seed,
                "station-1", name);
    }

    private byte[] content(SpoolEntry entry) throws IOException {
        return Files.readAllBytes(spool.envelopeFile(entry.id()));
    }

    /** Alters one byte of the entry's envelope file in place, as a failing disk or a meddler would. */
    private void alterOneByte(SpoolEntry entry) throws IOException {
        byte[] altered = content(entry);
        altered[100] ^= 0x40;
        Files.write(spool.envelopeFile(entry.id()), altered);
    }

    /** The server holds exactly the envelope, received once, in one upload, accepted once. */
    private void assertDeliveredExactlyOnce(SpoolEntry entry) throws IOException {
        SpoolEntry now = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.DELIVERED, now.state());
        InMemoryTusServer.Upload upload = tus.uploadsOf(entry.id()).get(tus.uploadsOf(entry.id()).size() - 1);
        assertArrayEquals(content(entry), upload.data.toByteArray());
        assertEquals(1, tus.acceptances(entry.id()), "accepted once");
        assertArrayEquals(tus.receipt(entry.id()), spool.receipt(entry.id()).orElseThrow(), "receipt stored");
    }

    /**
     * A worker goes on with its next envelope while its last delivery's record syncs, but nothing
     * hears of a delivery (the receipt archive, the transfer log, the operator) before the record is
     * on disk: the journal, read as another process reads it, already says DELIVERED.
     */
    @Test
    void aDeliveryIsReportedOnlyOnceItsRecordIsOnDisk() throws Exception {
        List<SpoolEntry> entries = List.of(enqueue("a.cms", 5_000, 1), enqueue("b.cms", 6_000, 2),
                enqueue("c.cms", 7_000, 3), enqueue("d.cms", 3 * CHUNK, 4), enqueue("e.cms", 4_000, 5));
        List<String> reported = Collections.synchronizedList(new ArrayList<>());
        ProgressListener listener = new ProgressListener() {
            @Override
            public void entryFinished(String entryId, String filename, EntryState state, String reason) {
                try {
                    SpoolEntry onDisk = Spool.peek(spool.directory()).stream()
                            .filter(entry -> entry.id().equals(entryId)).findFirst().orElseThrow();
                    assertEquals(EntryState.DELIVERED, onDisk.state(), filename + " reported before durable");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                reported.add(entryId);
            }
        };
        UploadRun run = new Uploader(config().creationWithUploadLimit(CHUNK).parallelism(2).build(), client, spool,
                listener).runOnce();

        assertEquals(5, run.delivered(), run::summary);
        assertEquals(entries.stream().map(SpoolEntry::id).sorted().toList(), reported.stream().sorted().toList());
        for (SpoolEntry entry : entries) {
            assertDeliveredExactlyOnce(entry);
        }
    }

    @Test
    void deliversEveryEnvelopeExactlyOnceInParallel() throws Exception {
        List<SpoolEntry> entries = List.of(enqueue("a.cms", 50_000, 1), enqueue("b.cms", 20_000, 2),
                enqueue("c.cms", 3 * CHUNK, 3), enqueue("d.cms", 1, 4));
        UploadRun run = run(config().parallelism(2).devStationId("station-1"));

        assertEquals(4, run.delivered());
        assertEquals(UploadRun.Stop.COMPLETED, run.stop());
        assertEquals(50_000 + 20_000 + 3 * CHUNK + 1, run.bytesSent());
        assertEquals(0, run.bytesResent());
        for (SpoolEntry entry : entries) {
            assertDeliveredExactlyOnce(entry);
            InMemoryTusServer.Upload upload = tus.uploadsOf(entry.id()).get(0);
            assertEquals(entry.info().length(), upload.bytesReceived, "bytes received equal the length");
            assertEquals(1, tus.uploadsOf(entry.id()).size());
            assertEquals("code-" + entry.info().codeId().substring(5), upload.metadata.get("code-id").orElseThrow());
            assertEquals("station-1", upload.metadata.get(Tus.Metadata.STATION_ID).orElseThrow());
        }
        for (RecordedRequest request : tus.requests()) {
            assertEquals("station-1", request.getHeaders().get("Codebound-Dev-Station"));
            if (request.getMethod().equals("PATCH")) {
                assertTrue(request.getHeaders().get(Tus.UPLOAD_CHECKSUM).startsWith("sha256 "));
                assertTrue(request.getBodySize() <= CHUNK);
            }
        }
        assertEquals(0, run(config()).delivered(), "nothing left to do");
    }

    /** A registry whose 201 carries no verdict (before issue 10): the client fetches the result. */
    @Test
    void smallEnvelopeTravelsInTheCreationRequest() throws Exception {
        SpoolEntry entry = enqueue("small.cms", 30_000, 5);
        UploadRun run = run(config().chunkSize(64 * 1024).creationWithUploadLimit(64 * 1024));
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(List.of("POST", "GET"), tus.requests().stream().map(RecordedRequest::getMethod).toList());
    }

    /** One round trip: the registry's 201 carries the receipt, so no GET of the result follows. */
    @Test
    void aVerdictInTheCreationAnswerIsUsedWithoutFetchingTheResult() throws Exception {
        tus.answerCreationWithOutcome();
        SpoolEntry entry = enqueue("small.cms", 30_000, 5);
        UploadRun run = run(config().chunkSize(64 * 1024).creationWithUploadLimit(64 * 1024));
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(List.of("POST"), tus.requests().stream().map(RecordedRequest::getMethod).toList());
    }

    @Test
    void aRefusalInTheCreationAnswerRejectsWithTheProblemKept() throws Exception {
        tus.answerCreationWithOutcome();
        SpoolEntry entry = enqueue("refused.cms", 30_000, 6);
        tus.refuse(entry.id());
        UploadRun run = run(config().chunkSize(64 * 1024).creationWithUploadLimit(64 * 1024));
        assertEquals(1, run.rejected());
        assertEquals(EntryState.REJECTED, spool.entry(entry.id()).orElseThrow().state());
        assertEquals("PHOTO_SPEC", spool.problem(entry.id()).orElseThrow().reason());
        assertEquals(List.of("POST"), tus.requests().stream().map(RecordedRequest::getMethod).toList());
    }

    @Test
    void uploadUrlIsRecordedBeforeTheFirstPatch() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 6);
        tus.failNextPatch(status(503).build());
        UploadRun run = run(config().retryPolicy(RetryPolicy.builder().maxAttempts(1).build()));
        assertEquals(1, run.failed());
        spool.close();
        spool = Spool.open(temp.resolve("spool"), time.clock());
        SpoolEntry stored = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.FAILED, stored.state());
        assertEquals(server.url("/files/1").toString(), stored.uploadUrl());
        assertEquals(0, stored.acknowledgedOffset());
        assertEquals("upload: HTTP 503", stored.lastError());
    }

    @Test
    void connectionDroppedMidBodyResendsAtMostThatChunk() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 40_000, 7);
        tus.dropNextBodies(2);
        UploadRun run = run(config());

        assertEquals(1, run.delivered(), () -> run + " " + spool.entry(entry.id()));
        assertEquals(2, tus.droppedBodies());
        assertDeliveredExactlyOnce(entry);
        assertTrue(run.bytesResent() > 0 && run.bytesResent() <= 2L * CHUNK, "re-sent " + run.bytesResent());
        assertEquals(40_000 + run.bytesResent(), run.bytesSent());
        assertEquals(40_000, tus.uploadsOf(entry.id()).get(0).bytesReceived, "cut-off bodies were never applied");
    }

    @Test
    void lostAcknowledgementIsLearnedFromTheServerNotResent() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 40_000, 8);
        tus.loseNextAcks(2);
        UploadRun run = run(config());

        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(0, run.bytesResent(), "the server was ahead; its offset was trusted");
        assertEquals(40_000, tus.uploadsOf(entry.id()).get(0).bytesReceived);
    }

    @Test
    void checksumMismatchLockAndOutageAreRetriedHonouringRetryAfter() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 40_000, 9);
        tus.failNextPatch(status(Tus.STATUS_CHECKSUM_MISMATCH).build());
        tus.failNextPatch(status(423).setHeader("Retry-After", "3").build());
        tus.failNextPatch(status(503).setHeader("Retry-After", "7").build());
        UploadRun run = run(config());

        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(3L * CHUNK, run.bytesResent(), "each refused chunk sent once more, nothing else");
        List<Duration> sleeps = time.sleeps();
        assertEquals(3, sleeps.size());
        assertTrue(sleeps.get(0).compareTo(Duration.ofSeconds(1)) <= 0, "first backoff is jittered within 1 s");
        assertEquals(Duration.ofSeconds(3), sleeps.get(1));
        assertEquals(Duration.ofSeconds(7), sleeps.get(2));
    }

    /**
     * The registry answers {@code 409 OUTCOME_PENDING} while another request (say, this station's
     * own PATCH whose connection broke) is still deciding: no verdict yet, so ask again after a
     * backoff, like a 404 there; it is not an offset conflict to retry at once.
     */
    @Test
    void anOutcomeStillBeingDecidedIsAskedForAgainAfterABackoff() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 3 * CHUNK, 12);
        tus.failNextResult(problem(409, "OUTCOME_PENDING"));
        tus.failNextResult(problem(409, "OUTCOME_PENDING"));
        UploadRun run = run(config());

        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(0, run.bytesResent());
        assertEquals(2, time.sleeps().size(), "each pending answer waited for a backoff");
    }

    @Test
    void attemptsCountConsecutiveFailuresSoASlowFlakyUploadKeepsGoing() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 10 * CHUNK, 30);
        tus.loseAcksWhere(patch -> patch % 2 == 1);
        UploadRun run = run(config().retryPolicy(RetryPolicy.builder().maxAttempts(2).build()));
        assertEquals(1, run.delivered(), "five interruptions, never two in a row");
        assertDeliveredExactlyOnce(entry);
        assertEquals(0, run.bytesResent());
    }

    @Test
    void offsetConflictAdoptsTheServersOffset() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 10);
        tus.failNextPatch(status(409).setHeader(Tus.UPLOAD_OFFSET, "0").build());
        UploadRun run = run(config());
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertTrue(time.sleeps().isEmpty(), "a conflict is resolved at once, without backoff");
    }

    @Test
    void resumesAfterACrashFromWhereTheServerIs() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 40_000, 11);
        byte[] content = content(entry);
        // A previous process had three chunks acknowledged but died before recording the third.
        InMemoryTusServer.Upload upload = tus.createDirectly(40_000, metadataOf(entry));
        upload.data.write(content, 0, 3 * CHUNK);
        spool.markCreated(entry.id(), server.url("/files/" + upload.id).toString(), 0);
        spool.recordAcknowledged(entry.id(), 2L * CHUNK);

        UploadRun run = run(config());
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(40_000 - 3L * CHUNK, run.bytesSent(), "only what the server lacked was sent");
        assertEquals(0, run.bytesResent());
        assertEquals("HEAD", tus.requests().get(0).getMethod());
    }

    @Test
    void crashBetweenCreationAndRecordingTheUrlIsHarmless() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 12);
        // The server created an upload, but the crash struck before the agent recorded its URL.
        tus.createDirectly(20_000, metadataOf(entry));

        UploadRun run = run(config());
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(2, tus.uploadsOf(entry.id()).size(), "a second upload was created...");
        assertEquals(0, tus.uploadsOf(entry.id()).get(0).offset(), "...the orphan holds no data and expires");
    }

    @Test
    void envelopeUploadedAgainAfterLosingItsStateIsAcceptedOnce() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 13);
        run(config());
        byte[] receipt = spool.receipt(entry.id()).orElseThrow();
        spool.remove(entry.id());
        enqueue("a.cms", 20_000, 13);

        assertEquals(1, run(config()).delivered());
        assertEquals(2, tus.uploadsOf(entry.id()).size());
        assertEquals(1, tus.acceptances(entry.id()), "the registry deduplicates by envelope hash");
        assertArrayEquals(receipt, spool.receipt(entry.id()).orElseThrow(), "and returns the same receipt");
    }

    @Test
    void expiredUploadIsReplacedByANewOne() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 40_000, 14);
        InMemoryTusServer.Upload old = tus.createDirectly(40_000, metadataOf(entry));
        old.data.write(content(entry), 0, CHUNK);
        spool.markCreated(entry.id(), server.url("/files/" + old.id).toString(), 0);
        spool.recordAcknowledged(entry.id(), CHUNK);
        tus.expire(old.id);

        UploadRun run = run(config());
        assertEquals(1, run.delivered());
        assertDeliveredExactlyOnce(entry);
        assertEquals(2, tus.uploadsOf(entry.id()).size());
    }

    @Test
    void refusedEnvelopeIsRejectedWithTheProblemKept() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 15);
        tus.refuse(entry.id());
        UploadRun run = run(config());

        assertEquals(1, run.rejected());
        SpoolEntry rejected = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.REJECTED, rejected.state());
        assertEquals("PHOTO_SPEC: eyes are not 200-300 px from the top", rejected.lastError());
        assertEquals("PHOTO_SPEC", spool.problem(entry.id()).orElseThrow().reason());
        int requests = tus.requests().size();
        assertEquals(0, run(config()).rejected(), "not retried without an operator");
        assertEquals(requests, tus.requests().size());
    }

    @Test
    void permanentClientErrorRejectsTheEnvelope() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 16);
        tus.failNextPost(problem(413, "ENVELOPE_TOO_LARGE"));
        UploadRun run = run(config());
        assertEquals(1, run.rejected());
        assertEquals("ENVELOPE_TOO_LARGE", spool.problem(entry.id()).orElseThrow().reason());
        assertTrue(time.sleeps().isEmpty(), "no retries for a permanent error");
    }

    @Test
    void refusedStationStopsTheRunAtOnceAndLeavesEveryEntryAsItWas() throws Exception {
        List<SpoolEntry> entries = List.of(enqueue("a.cms", 1_000, 17), enqueue("b.cms", 1_000, 18),
                enqueue("c.cms", 1_000, 19));
        tus.failNextPost(problem(403, "STATION_REVOKED"));
        UploadRun run = run(config());

        assertEquals(UploadRun.Stop.UNAUTHORIZED, run.stop());
        assertEquals("STATION_REVOKED", run.stationRefusal().reason());
        assertEquals(0, run.failed(), "the refusal is the station's, not an entry's failure");
        assertEquals(3, run.notStarted());
        for (SpoolEntry entry : entries) {
            SpoolEntry now = spool.entry(entry.id()).orElseThrow();
            assertEquals(EntryState.QUEUED, now.state(), "kept intact for after re-enrollment");
            assertEquals(0, now.transientErrors());
            assertEquals(null, now.lastError());
        }
        assertEquals(1, tus.requests().size(), "nothing else was tried");
        assertTrue(time.sleeps().isEmpty(), "no backoff: retrying cannot help");
    }

    @Test
    void everyRetryIsAnnouncedWithWhatFailedAndWhenTheNextTryIs() throws Exception {
        enqueue("a.cms", 40_000, 22);
        tus.failNextPatch(status(503).setHeader("Retry-After", "7").build());
        List<String> notices = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public synchronized void entryRetrying(String id, String filename, String reason, int failures,
                    int maxAttempts, Instant next) {
                notices.add(filename + "|" + reason + "|" + failures + "/" + maxAttempts + "|"
                        + Duration.between(time.now(), next));
            }
        };
        UploadRun run = new Uploader(config().build(), client, spool, listener).runOnce();

        assertEquals(1, run.delivered());
        assertEquals(List.of("a.cms|upload: HTTP 503|1/6|PT7S"), notices);
    }

    @Test
    void aRetryNoticeIsOneLineOnStandardError() {
        java.io.StringWriter err = new java.io.StringWriter();
        RetryNotices notices = new RetryNotices(new java.io.PrintWriter(err, true),
                java.time.Clock.fixed(Instant.parse("2026-06-01T23:00:00Z"), java.time.ZoneOffset.UTC),
                ProgressListener.NONE);
        notices.entryRetrying("20260601T230000Z-0001-abcdef", "a.cms", "upload: ConnectException: Connection refused",
                2, 12, Instant.parse("2026-06-01T23:00:08Z"));
        assertEquals("retry: " + Spool.shortId("20260601T230000Z-0001-abcdef") + " a.cms: upload: ConnectException: "
                + "Connection refused; attempt 2 of 12 failed, next try in 8 s (at 23:00:08)" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void persistentOutageEndsInFailedAndTheNextRunResumes() throws Exception {
        SpoolEntry second = enqueue("b.cms", 40_000, 21);
        UploadConfig.Builder config = config().retryPolicy(RetryPolicy.builder().maxAttempts(3).build());
        for (int i = 0; i < 3; i++) {
            tus.failNextPatch(status(503).build());
        }
        UploadRun failed = run(config);
        assertEquals(1, failed.failed());
        SpoolEntry stored = spool.entry(second.id()).orElseThrow();
        assertEquals(EntryState.FAILED, stored.state());
        assertEquals(3, stored.transientErrors());
        assertNotNull(stored.uploadUrl(), "the upload is kept for resuming");
        assertTrue(!stored.nextAttemptAt().isBefore(stored.updatedAt()));
        assertEquals(0, run(config).failed(), "not due before its next attempt time");

        time.advance(Duration.ofMinutes(10));
        UploadRun resumed = run(config);
        assertEquals(1, resumed.delivered());
        assertDeliveredExactlyOnce(second);
        assertEquals(1, tus.uploadsOf(second.id()).size(), "resumed, not restarted");
    }

    /**
     * A run stopped while a request is on its way (an operator's stop, or another worker's disk
     * error, which stops the run) cuts that request off; the envelope did nothing wrong, so it is
     * left as it was, due at once, not failed with a backoff the next run would have to wait out.
     */
    @Test
    void anEnvelopeWhoseRequestTheRunsStopCutOffIsDueAtOnceForTheNextRun() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 30);
        CountDownLatch sending = new CountDownLatch(1);
        // The rate limit's first wait is mid-body: the creation request is on its way when the run is stopped.
        Sleeper midBody = duration -> {
            sending.countDown();
            Thread.sleep(Duration.ofMinutes(1).toMillis());
        };
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                run(config().creationWithUploadLimit(CHUNK).rateLimit(1_000).sleeper(midBody));
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        runner.start();
        assertTrue(sending.await(10, TimeUnit.SECONDS), "the request was never sent");
        runner.interrupt();
        runner.join(10_000);

        assertInstanceOf(InterruptedException.class, ended.get());
        SpoolEntry left = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.QUEUED, left.state(), left::toString);
        assertEquals(0, left.transientErrors(), left::toString);
        assertTrue(left.isDue(time.clock().instant()), left::toString);
        UploadRun next = run(config().creationWithUploadLimit(CHUNK));
        assertEquals(1, next.delivered(), next::summary);
        assertDeliveredExactlyOnce(entry);
    }

    /**
     * An interrupt does not reach a thread blocked reading a socket: a run stopped while the
     * registry holds its answer must still end at once, not at the call's timeout (a minute here).
     */
    @Test
    void aRunStoppedWhileTheRegistryHoldsItsAnswerEndsAtOnceAndLeavesTheEnvelopeDue() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 31);
        tus.failNextPost(status(503).headersDelay(2, TimeUnit.MINUTES).build());
        OkHttpClient patient = client.newBuilder().readTimeout(Duration.ofMinutes(3)).build();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                new Uploader(config().creationWithUploadLimit(CHUNK).build(), patient, spool, ProgressListener.NONE)
                        .runOnce();
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        runner.start();
        long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (tus.requests().isEmpty()) {
            assertTrue(runner.isAlive(), "the run ended before its request arrived: " + ended.get());
            assertTrue(System.nanoTime() < giveUp, "the request never reached the registry");
            Thread.sleep(5);
        }
        runner.interrupt();
        runner.join(Duration.ofSeconds(20).toMillis());

        assertFalse(runner.isAlive(), "the stopped run waited for the registry's answer");
        assertInstanceOf(InterruptedException.class, ended.get());
        SpoolEntry left = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.QUEUED, left.state(), left::toString);
        assertTrue(left.isDue(time.clock().instant()), left::toString);
    }

    @Test
    void closedWindowStartsNothing() throws Exception {
        enqueue("a.cms", 1_000, 22);
        enqueue("b.cms", 1_000, 23);
        FakeTime noon = new FakeTime(Instant.parse("2026-06-01T12:00:00Z"));
        UploadRun run = run(config().clock(noon.clock()).window(UploadWindow.parse("22:00-06:00")));
        assertEquals(UploadRun.Stop.WINDOW_CLOSED, run.stop());
        assertEquals(2, run.notStarted());
        assertTrue(tus.requests().isEmpty());

        FakeTime night = new FakeTime(Instant.parse("2026-06-02T01:30:00Z"));
        assertEquals(2, run(config().clock(night.clock()).window(UploadWindow.parse("22:00-06:00"))).delivered());
    }

    @Test
    void passedDeadlineStartsNothing() throws Exception {
        enqueue("a.cms", 1_000, 24);
        UploadRun run = run(config().runDeadline(Duration.ZERO));
        assertEquals(UploadRun.Stop.DEADLINE, run.stop());
        assertEquals(1, run.notStarted());
    }

    @Test
    void corruptEnvelopeIsNeverSent() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 20_000, 25);
        alterOneByte(entry);
        UploadRun run = run(config());
        assertEquals(1, run.corrupt());
        assertEquals(EntryState.CORRUPT, spool.entry(entry.id()).orElseThrow().state());
        assertTrue(tus.requests().isEmpty());
    }

    /**
     * A whole envelope in its creation is not hashed before it leaves: its Upload-Checksum is the
     * recorded SHA-256, so the registry refuses altered bytes (460), and only then does the station
     * hash the file, find it altered, and never send it again.
     */
    @Test
    void anAlteredEnvelopeSentInItsCreationIsRefusedByTheChecksumThenFoundCorrupt() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 32);
        alterOneByte(entry);

        UploadRun run = run(config().creationWithUploadLimit(CHUNK));
        assertEquals(1, run.corrupt(), run::summary);
        SpoolEntry corrupt = spool.entry(entry.id()).orElseThrow();
        assertEquals(EntryState.CORRUPT, corrupt.state());
        assertTrue(corrupt.lastError().contains("SHA-256"), corrupt.lastError());
        assertEquals(1, tus.requests().size(), "sent once, in its creation, and refused");
        assertEquals(0, tus.acceptances(entry.id()));
        assertEquals(0, run(config().creationWithUploadLimit(CHUNK)).corrupt(), "a corrupt entry is not due");
        assertEquals(1, tus.requests().size());
    }

    @Test
    void aTruncatedEnvelopeIsNeverSentEvenWhereItWouldTravelInItsCreation() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 33);
        Files.write(spool.envelopeFile(entry.id()), Arrays.copyOf(content(entry), 5_999));

        UploadRun run = run(config().creationWithUploadLimit(CHUNK));
        assertEquals(1, run.corrupt(), run::summary);
        assertEquals(EntryState.CORRUPT, spool.entry(entry.id()).orElseThrow().state());
        assertTrue(tus.requests().isEmpty());
    }

    /** A 460 whose cause was not the file (the bytes were damaged on their way): hashed, found sound, sent again. */
    @Test
    void aChecksumRefusalOfASoundEnvelopeIsRetriedAndDelivers() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 34);
        tus.failNextPost(status(Tus.STATUS_CHECKSUM_MISMATCH).build());

        UploadRun run = run(config().creationWithUploadLimit(CHUNK));
        assertEquals(1, run.delivered(), run::summary);
        assertDeliveredExactlyOnce(entry);
        assertEquals(2, tus.requests().stream().filter(request -> request.getMethod().equals("POST")).count(),
                "the refused creation, then the one that delivered");
    }

    /**
     * A registry whose creation kept none of the body leaves the rest to chunks, whose checksums are
     * their own: the file is hashed before the first of them, and an altered one is never sent.
     */
    @Test
    void anEnvelopeWhoseCreationKeptNoneOfItIsHashedBeforeItsChunks() throws Exception {
        SpoolEntry entry = enqueue("a.cms", 6_000, 35);
        alterOneByte(entry);
        InMemoryTusServer.Upload upload = tus.createDirectly(6_000, metadataOf(entry));
        tus.failNextPost(status(201).setHeader("Location", "/files/" + upload.id).setHeader(Tus.UPLOAD_OFFSET, 0)
                .build());

        UploadRun run = run(config().creationWithUploadLimit(CHUNK));
        assertEquals(1, run.corrupt(), run::summary);
        assertEquals(EntryState.CORRUPT, spool.entry(entry.id()).orElseThrow().state());
        assertEquals(List.of("POST"), tus.requests().stream().map(RecordedRequest::getMethod).toList(),
                "no chunk of the altered file was sent");
        assertEquals(0, upload.offset());
    }

    @Test
    void rateLimitPacesTheBodies() throws Exception {
        enqueue("a.cms", 64 * 1024, 26);
        UploadRun run = run(config().rateLimit(16 * 1024));
        assertEquals(1, run.delivered());
        Duration slept = time.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        // 64 KiB at 16 KiB/s with a one-second (16 KiB) initial burst: three seconds of waiting.
        assertTrue(Math.abs(slept.toMillis() - 3_000) <= 10, "slept " + slept);
    }

    @Test
    void progressReachesTheTotal() throws Exception {
        enqueue("a.cms", 30_000, 27);
        enqueue("b.cms", 10_000, 28);
        List<Progress> seen = new ArrayList<>();
        List<EntryState> finished = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public synchronized void progressed(Progress progress) {
                seen.add(progress);
            }

            @Override
            public synchronized void entryFinished(String id, String filename, EntryState state, String reason) {
                finished.add(state);
            }
        };
        new Uploader(config().build(), client, spool, listener).runOnce();
        Progress last = seen.get(seen.size() - 1);
        assertEquals(40_000, last.totalLength());
        assertEquals(40_000, last.totalBytes());
        assertEquals(List.of(EntryState.DELIVERED, EntryState.DELIVERED), finished);
    }

    @Test
    void progressBarIsSilentWithoutAConsole() throws Exception {
        enqueue("a.cms", 30_000, 29);
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream capture = new java.io.PrintStream(captured, true);
        System.setOut(capture);
        System.setErr(capture);
        UploadRun run;
        try {
            // Surefire's forked JVM has no console, like a cron or systemd run.
            run = new Uploader(config().build(), client, spool, TerminalProgressBar.forSystemConsole()).runOnce();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals(1, run.delivered());
        assertEquals(0, captured.size(), "nothing printed: " + captured);
    }

    private static UploadMetadata metadataOf(SpoolEntry entry) {
        return UploadMetadata.empty().with(Tus.Metadata.CODE_ID, entry.info().codeId())
                .with(Tus.Metadata.ENVELOPE_SHA256, entry.id())
                .with(Tus.Metadata.STATION_ID, entry.info().stationId())
                .with(Tus.Metadata.FILENAME, entry.info().filename());
    }
}
