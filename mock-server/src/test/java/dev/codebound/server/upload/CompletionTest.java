package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TusTestClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion hook: outcome stored before the last 204, served by /result, redone after a crash. */
class CompletionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** Test-only acceptance: rejects uploads whose filename is "reject.cms", accepts the rest. */
    static final class TestAcceptance implements CompletionHandler {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletionOutcome complete(UploadInfo upload, UploadBytes data) throws IOException {
            calls.incrementAndGet();
            if (upload.metadata().get(Tus.Metadata.FILENAME).orElse("").equals("reject.cms")) {
                return new CompletionOutcome.Rejected(Problem.of(422, "BAD_ENVELOPE", "Bad envelope",
                        "not a CMS envelope", null));
            }
            String receipt = "{\"upload\":\"" + upload.id() + "\",\"bytes\":" + data.length() + "}";
            return new CompletionOutcome.Accepted(receipt.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The one-round-trip contract: a creation-with-upload that completes the upload answers with the outcome. */
    @Test
    void creationWithUploadCarriesTheOutcomeInItsBody() throws Exception {
        TestAcceptance acceptance = new TestAcceptance();
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .completionHandler(acceptance).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-c");
            HttpResponse<String> accepted = createWithUpload(tus, "hello", "good.cms");
            assertEquals(201, accepted.statusCode());
            assertEquals("accepted", accepted.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            assertEquals("application/json", accepted.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("5", accepted.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            String location = accepted.headers().firstValue("Location").orElseThrow();
            assertEquals(5, JSON.readTree(accepted.body()).get("bytes").asInt());
            assertEquals(accepted.body(), tus.get(location + "/result").body(), "GET .../result serves the same");

            HttpResponse<String> rejected = createWithUpload(tus, "bad", "reject.cms");
            assertEquals(201, rejected.statusCode());
            assertEquals("rejected", rejected.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            assertEquals(Problem.MEDIA_TYPE, rejected.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("BAD_ENVELOPE", JSON.readTree(rejected.body()).get("reason").asText());
            assertEquals(422, JSON.readTree(rejected.body()).get("status").asInt());

            HttpResponse<String> partial = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                    Tus.UPLOAD_LENGTH, "10", "Content-Type", Tus.OFFSET_CONTENT_TYPE)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[4])).build());
            assertEquals(201, partial.statusCode());
            assertTrue(partial.headers().firstValue(TusService.OUTCOME_HEADER).isEmpty());
            assertEquals("", partial.body(), "an unfinished upload's 201 has no body");
        }
    }

    /**
     * A body that is the whole upload reaches the completion handler as received ({@link ReceivedBytes}), with
     * the SHA-256 its {@code Upload-Checksum} was checked against; the store's copy beside it holds the same
     * bytes. Any other way of completing an upload, or a body larger than any envelope, hands over the store's
     * bytes.
     */
    @Test
    void aWholeBodyReachesTheHandlerAsReceivedWithItsSha256() throws Exception {
        List<UploadBytes> handed = new CopyOnWriteArrayList<>();
        CompletionHandler recording = (upload, bytes) -> {
            handed.add(bytes);
            return new CompletionOutcome.Accepted("{}".getBytes(StandardCharsets.UTF_8));
        };
        byte[] body = new byte[200_000];
        new Random(7).nextBytes(body);
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(body);
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .completionHandler(recording).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-c");
            assertEquals(201, create(tus, body, UploadChecksum.sha256Header(sha256)).statusCode());
            ReceivedBytes received = assertInstanceOf(ReceivedBytes.class, handed.get(0));
            assertArrayEquals(body, received.readAll());
            assertArrayEquals(sha256, received.knownSha256().orElseThrow());
            assertArrayEquals(body, received.stored().open().readAllBytes(), "the store's durable copy");

            String sha1 = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(body));
            assertEquals(201, create(tus, body, sha1).statusCode());
            assertTrue(handed.get(1).knownSha256().isEmpty(), "a SHA-1 checksum is not the envelope's digest");
            assertArrayEquals(body, handed.get(1).readAll());

            String path = tus.createPath(body.length);
            assertEquals(204, tus.patch(path, 0, Arrays.copyOf(body, 1000)).statusCode());
            assertEquals(204, tus.patch(path, 1000, Arrays.copyOfRange(body, 1000, body.length)).statusCode());
            assertFalse(handed.get(2) instanceof ReceivedBytes, "completed by a second chunk: the store's bytes");
            assertArrayEquals(body, handed.get(2).readAll());

            byte[] large = new byte[BodyTransfer.KEPT_AT_MOST + 1];
            assertEquals(201, create(tus, large, UploadChecksum.sha256Header(MessageDigest.getInstance("SHA-256")
                    .digest(large))).statusCode());
            assertFalse(handed.get(3) instanceof ReceivedBytes, "larger than any envelope: not kept in memory");
            assertEquals(large.length, handed.get(3).length());
        }
    }

    private static HttpResponse<String> create(TusTestClient tus, byte[] body, String checksum)
            throws IOException, InterruptedException {
        return tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION, Tus.UPLOAD_LENGTH,
                Integer.toString(body.length), "Content-Type", Tus.OFFSET_CONTENT_TYPE, Tus.UPLOAD_CHECKSUM, checksum)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static HttpResponse<String> createWithUpload(TusTestClient tus, String body, String filename)
            throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(bytes.length), "Content-Type", Tus.OFFSET_CONTENT_TYPE,
                Tus.UPLOAD_METADATA, UploadMetadata.empty().with(Tus.Metadata.FILENAME, filename).encode())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    @Test
    void acceptedAndRejectedOutcomesAreStoredAndServed() throws Exception {
        TestAcceptance acceptance = new TestAcceptance();
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir)
                .completionHandler(acceptance).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-c");
            String good = tus.createPath(5);
            HttpResponse<String> last = tus.patch(good, 0, "hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(204, last.statusCode());
            assertEquals("accepted", last.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            assertEquals(good + "/result", last.headers().firstValue(TusService.RESULT_HEADER).orElseThrow());
            HttpResponse<String> receipt = tus.get(good + "/result");
            assertEquals(200, receipt.statusCode());
            assertEquals(5, JSON.readTree(receipt.body()).get("bytes").asInt());

            String bad = tus.createPath(3, Tus.UPLOAD_METADATA,
                    UploadMetadata.empty().with(Tus.Metadata.FILENAME, "reject.cms").encode());
            HttpResponse<String> rejected = tus.patch(bad, 0, new byte[3]);
            assertEquals(204, rejected.statusCode());
            assertEquals("rejected", rejected.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            HttpResponse<String> problem = tus.get(bad + "/result");
            assertEquals(422, problem.statusCode());
            assertEquals(Problem.MEDIA_TYPE, problem.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("BAD_ENVELOPE", JSON.readTree(problem.body()).get("reason").asText());
            assertEquals(422, JSON.readTree(problem.body()).get("status").asInt());
            assertEquals(2, acceptance.calls.get());
        }
        // Outcomes are durable: a restart serves them without deciding again.
        TestAcceptance after = new TestAcceptance();
        MockRegistry restarted = MockRegistry.start(TestRegistries.plain(dataDir).completionHandler(after).build());
        restarted.close();
        assertEquals(0, after.calls.get());
    }

    /**
     * A whole envelope in its creation request is recorded with its outcome (one record); when the
     * completion fails there is no outcome to record it with, and it must still be kept, complete
     * and awaiting its outcome, for the next start to decide: the 500 carried its Location.
     */
    @Test
    void aWholeCreationWhoseCompletionFailedIsDecidedAtStartup() throws Exception {
        CompletionHandler failing = (upload, data) -> {
            throw new IOException("the archive's disk is full");
        };
        String location;
        try (MockRegistry first = MockRegistry.start(TestRegistries.plain(dataDir).completionHandler(failing).build())) {
            HttpResponse<String> failed = createWithUpload(TusTestClient.plain(first, "station-c"), "hello", "good.cms");
            assertEquals(500, failed.statusCode(), failed.body());
            location = failed.headers().firstValue("Location").orElseThrow();
        }
        TestAcceptance acceptance = new TestAcceptance();
        try (MockRegistry second = MockRegistry.start(TestRegistries.plain(dataDir)
                .completionHandler(acceptance).build())) {
            assertEquals(1, acceptance.calls.get(), "the upload is decided at startup");
            HttpResponse<String> head = TusTestClient.plain(second, "station-c").head(location);
            assertEquals("5", head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            assertEquals("accepted", head.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
        }
    }

    @Test
    void crashBetweenLastChunkAndOutcomeIsDecidedAtStartup() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CompletionHandler stuck = (upload, data) -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("crashed while deciding");
            }
            throw new IllegalStateException("unreachable");
        };
        String location;
        MockRegistry first = MockRegistry.start(TestRegistries.plain(dataDir).completionHandler(stuck).build());
        try {
            TusTestClient tus = TusTestClient.plain(first, "station-c");
            location = tus.createPath(4);
            String path = location;
            CompletableFuture<Void> last = CompletableFuture.runAsync(() -> {
                try {
                    tus.patch(path, 0, new byte[] {1, 2, 3, 4});
                } catch (IOException | InterruptedException e) {
                    // The crash cuts the connection: expected.
                }
            });
            assertTrue(entered.await(10, TimeUnit.SECONDS), "completion handler never called");
            first.crash();
            last.get(10, TimeUnit.SECONDS);
        } finally {
            first.crash();
        }

        TestAcceptance acceptance = new TestAcceptance();
        try (MockRegistry second = MockRegistry.start(TestRegistries.plain(dataDir)
                .completionHandler(acceptance).build())) {
            assertEquals(1, acceptance.calls.get(), "the interrupted upload is decided at startup");
            TusTestClient tus = TusTestClient.plain(second, "station-c");
            HttpResponse<String> head = tus.head(location);
            assertEquals("4", head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
            assertEquals("accepted", head.headers().firstValue(TusService.OUTCOME_HEADER).orElseThrow());
            HttpResponse<String> receipt = tus.get(location + "/result");
            assertEquals(200, receipt.statusCode(), receipt.body());
            assertEquals(4, JSON.readTree(receipt.body()).get("bytes").asInt());
        }
    }
}
