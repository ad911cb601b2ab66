package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeForgery;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.upload.LocalFileBytes;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The registry's acceptance of real sealed envelopes, over tus on loopback (plain mode). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcceptanceTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    MockRegistry server;
    Registry registry;
    StationCredentials stationA;
    StationCredentials stationB;

    @BeforeAll
    void start() throws Exception {
        server = MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(dataDir)
                .tls(false).storageThreads(2).eventLoopThreads(1).build());
        registry = server.registry();
        stationA = enroll();
        stationB = enroll();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private StationCredentials enroll() throws Exception {
        KeyPair key = KeyPairs.generateP256();
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "test").token();
        return new StationCredentials(key.getPrivate(),
                registry.enrollment().enroll(token, CertificationRequests.create(key, "studio")));
    }

    private IssuedCode issueCode() throws Exception {
        Instant now = Instant.now();
        return registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30))));
    }

    private byte[] seal(StationCredentials station, IssuedCode code, byte[] photo) throws Exception {
        return seal(station, code, photo, CaptureMetadata.JPEG);
    }

    private byte[] seal(StationCredentials station, IssuedCode code, byte[] photo, String mediaType) throws Exception {
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(station, bundle, Instant.now()).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()),
                new CaptureMetadata(mediaType, Instant.now()), out);
        return out.toByteArray();
    }

    /** Uploads in one creation-with-upload request and returns the outcome's result response. */
    private HttpResponse<String> upload(StationCredentials uploader, byte[] envelope, String codeId) throws Exception {
        return upload(uploader, envelope, codeId, sha256(envelope));
    }

    private HttpResponse<String> upload(StationCredentials uploader, byte[] envelope, String codeId,
            String declaredSha256) throws Exception {
        return upload(uploader, envelope, codeId, declaredSha256, false);
    }

    /** As above; with {@code checksum} the request carries the body's SHA-256 as {@code Upload-Checksum}, as the agent's does. */
    private HttpResponse<String> upload(StationCredentials uploader, byte[] envelope, String codeId,
            String declaredSha256, boolean checksum) throws Exception {
        TusTestClient tus = TusTestClient.plain(server, uploader.stationId());
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, declaredSha256).encode();
        HttpRequest.Builder request = tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(envelope.length), Tus.UPLOAD_METADATA, metadata,
                "Content-Type", Tus.OFFSET_CONTENT_TYPE);
        if (checksum) {
            request.header(Tus.UPLOAD_CHECKSUM, UploadChecksum.sha256Header(
                    MessageDigest.getInstance("SHA-256").digest(envelope)));
        }
        HttpResponse<String> created = tus.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build());
        assertEquals(201, created.statusCode(), created.body());
        return tus.get(created.headers().firstValue("Location").orElseThrow() + "/result");
    }

    @Test
    void acceptsASealedEnvelopeWithAVerifiableReceiptAndStoresItOnce() throws Exception {
        IssuedCode code = issueCode();
        byte[] photo = SamplePhotos.good(1);
        byte[] envelope = seal(stationA, code, photo);

        HttpResponse<String> first = upload(stationA, envelope, code.codeId());
        assertEquals(200, first.statusCode(), first.body());
        Receipt receipt = ReceiptCodec.verify(first.body().getBytes(StandardCharsets.UTF_8),
                registry.trustBundles().currentBundle(), "receipt");
        assertEquals(sha256(envelope), receipt.envelopeSha256());
        assertEquals(code.codeId(), receipt.codeId());
        assertEquals(stationA.stationId(), receipt.stationId());
        assertEquals(sha256(photo), receipt.photoSha256());
        assertEquals(1, receipt.photoVersion());
        Checkpoint checkpoint = ReceiptCodec.verifyLogInclusion(receipt, registry.trustBundles().currentBundle(),
                "receipt");
        assertTrue(checkpoint.size() > receipt.log().orElseThrow().leafIndex());
        TusTestClient anyone = TusTestClient.plain(server, null);
        assertTrue(anyone.get("/registry/v1/log/checkpoint").body().startsWith(checkpoint.origin() + "\n"));
        long index = receipt.log().orElseThrow().leafIndex();
        JsonNode entries = JSON.readTree(anyone.get("/registry/v1/log/entries?start=" + index + "&end="
                + (index + 1)).body());
        assertEquals(receipt.envelopeSha256(), entries.get("entries").get(0).get("envelopeSha256").asText());
        assertEquals(400, anyone.get("/registry/v1/log/inclusion?index=5&size=2").statusCode());

        HttpResponse<String> again = upload(stationA, envelope, code.codeId());
        assertEquals(first.body(), again.body(), "the same envelope gets the same receipt");
        assertEquals(1, registry.photos().versions(code.codeId()).size(), "and is stored once");

        HttpRequest photoRequest = TusTestClient.plain(server, null)
                .request("/admin/v1/photos/" + receipt.envelopeSha256()).GET().build();
        HttpResponse<byte[]> decrypted = HttpClient.newHttpClient().send(photoRequest,
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, decrypted.statusCode());
        assertArrayEquals(photo, decrypted.body());
        assertEquals("image/jpeg", decrypted.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", decrypted.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("default-src 'none'", decrypted.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals(first.body(), TusTestClient.plain(server, stationA.stationId())
                .get("/registry/v1/receipts/" + receipt.envelopeSha256()).body());
        assertEquals(404, TusTestClient.plain(server, stationB.stationId())
                .get("/registry/v1/receipts/" + receipt.envelopeSha256()).statusCode());
    }

    @Test
    void aRetakeIsANewVersionAndHistoryIsKept() throws Exception {
        IssuedCode code = issueCode();
        upload(stationA, seal(stationA, code, SamplePhotos.good(2)), code.codeId());
        HttpResponse<String> retake = upload(stationA, seal(stationA, code, SamplePhotos.good(3)), code.codeId());
        Receipt receipt = ReceiptCodec.verify(retake.body().getBytes(StandardCharsets.UTF_8),
                registry.trustBundles().currentBundle(), "receipt");
        assertEquals(2, receipt.photoVersion());
        JsonNode listing = JSON.readTree(TusTestClient.plain(server, null)
                .get("/admin/v1/codes/" + code.codeId() + "/photos").body());
        assertEquals(2, listing.get("versions").size());
        assertEquals(1, listing.get("versions").get(0).get("version").asInt());
    }

    @Test
    void anEnvelopeUploadedByAnotherStationIsRefused() throws Exception {
        IssuedCode code = issueCode();
        assertProblem(upload(stationB, seal(stationA, code, SamplePhotos.good(4)), code.codeId()), "STATION_MISMATCH");
    }

    @Test
    void anEnvelopeForACodeRevokedBeforeUploadIsRefused() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, SamplePhotos.good(5));
        registry.codes().revoke(code.codeId());
        assertProblem(upload(stationA, envelope, code.codeId()), "CODE_REVOKED");
    }

    @Test
    void metadataThatContradictsTheEnvelopeIsRefused() throws Exception {
        IssuedCode code = issueCode();
        IssuedCode other = issueCode();
        assertProblem(upload(stationA, seal(stationA, code, SamplePhotos.good(6)), other.codeId()), "METADATA_MISMATCH");
    }

    @Test
    void bytesThatAreNotAnEnvelopeAreRefusedAsMalformed() throws Exception {
        assertProblem(upload(stationA, "not an envelope".getBytes(StandardCharsets.UTF_8), "AAAAAAAAAAAAAAAA"),
                "MALFORMED");
    }

    /**
     * Issue 11: 30,000 random bytes sealed as a JPEG were accepted. The registry now runs the
     * station's photo checks at acceptance, and the refusal names what failed.
     */
    @Test
    void randomBytesSealedAsAJpegAreRefusedWithTheSpecificationsFindings() throws Exception {
        IssuedCode code = issueCode();
        byte[] noise = new byte[30_000];
        new Random(11).nextBytes(noise);
        HttpResponse<String> result = upload(stationA, seal(stationA, code, noise), code.codeId());
        assertProblem(result, "PHOTO_OUT_OF_SPEC");
        assertTrue(detail(result).contains("ERROR format: file is not a JPEG"), result.body());
        assertTrue(registry.photos().versions(code.codeId()).isEmpty(), "nothing was archived");
    }

    /** The registry's refusal carries exactly the errors the station's own inspection reports. */
    @Test
    void aJpegTheStationWouldRefuseIsRefusedWithTheStationsFindings() throws Exception {
        IssuedCode code = issueCode();
        byte[] photo = SamplePhotos.bad(SamplePhotos.Defect.WRONG_SIZE, 8);
        HttpResponse<String> result = upload(stationA, seal(stationA, code, photo), code.codeId());
        assertProblem(result, "PHOTO_OUT_OF_SPEC");
        List<Finding> errors = new PhotoInspector().inspect(photo).errors();
        assertFalse(errors.isEmpty());
        for (Finding error : errors) {
            assertTrue(detail(result).contains(error.toString()), error + " in " + result.body());
        }
    }

    /** Acceptance runs in parallel: concurrent uploads of one envelope are accepted once, all with its receipt. */
    @Test
    void concurrentUploadsOfOneEnvelopeAreAcceptedOnce() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, SamplePhotos.good(21));
        long logBefore = registry.log().size();
        List<HttpResponse<String>> results = concurrently(8, i -> upload(stationA, envelope, code.codeId()));
        for (HttpResponse<String> result : results) {
            assertEquals(200, result.statusCode(), result.body());
            assertEquals(results.get(0).body(), result.body(), "every upload gets the one receipt");
        }
        assertEquals(1, registry.photos().versions(code.codeId()).size(), "archived once");
        assertEquals(logBefore + 1, registry.log().size(), "logged once");
    }

    /**
     * A crash after the batch's log append and before its archive record leaves the envelope in
     * the log but not accepted: the retry reuses the entry, so the log never holds it twice.
     */
    @Test
    void aRetryAfterACrashBetweenLogAndArchiveReusesTheLogEntry() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, SamplePhotos.good(40));
        Instant loggedAt = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000);
        long index = registry.log().append(new LogEntry(HexFormat.of().parseHex(sha256(envelope)), code.codeId(),
                stationA.stationId(), loggedAt)).leafIndex();
        long size = registry.log().size();

        HttpResponse<String> result = upload(stationA, envelope, code.codeId());
        assertEquals(200, result.statusCode(), result.body());
        Receipt receipt = ReceiptCodec.verify(result.body().getBytes(StandardCharsets.UTF_8),
                registry.trustBundles().currentBundle(), "receipt");
        ReceiptCodec.verifyLogInclusion(receipt, registry.trustBundles().currentBundle(), "receipt");
        assertEquals(index, receipt.log().orElseThrow().leafIndex(), "the earlier entry");
        assertEquals(loggedAt, receipt.acceptedAt(), "with its acceptance time");
        assertEquals(size, registry.log().size(), "nothing appended twice");
        assertEquals(1, registry.photos().versions(code.codeId()).size());
    }

    /** Two (here four) retakes of one code accepted at once get distinct, consecutive versions. */
    @Test
    void concurrentRetakesOfOneCodeGetConsecutiveVersions() throws Exception {
        IssuedCode code = issueCode();
        List<byte[]> retakes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            retakes.add(seal(stationA, code, SamplePhotos.good(30 + i)));
        }
        List<HttpResponse<String>> results = concurrently(retakes.size(),
                i -> upload(stationA, retakes.get(i), code.codeId()));
        Set<Integer> versions = new TreeSet<>();
        for (HttpResponse<String> result : results) {
            assertEquals(200, result.statusCode(), result.body());
            Receipt receipt = ReceiptCodec.verify(result.body().getBytes(StandardCharsets.UTF_8),
                    registry.trustBundles().currentBundle(), "receipt");
            ReceiptCodec.verifyLogInclusion(receipt, registry.trustBundles().currentBundle(), "receipt");
            versions.add(receipt.photoVersion());
        }
        assertEquals(Set.of(1, 2, 3, 4), versions);
        assertEquals(List.of(1, 2, 3, 4), registry.photos().versions(code.codeId()).stream()
                .map(PhotoArchive.AcceptedPhoto::version).toList());
    }

    /** One upload of a concurrent run. */
    @FunctionalInterface
    private interface Upload {
        HttpResponse<String> run(int index) throws Exception;
    }

    /** Runs {@code count} uploads at once (released together) and returns their results in order. */
    private static List<HttpResponse<String>> concurrently(int count, Upload upload) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CyclicBarrier start = new CyclicBarrier(count);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return upload.run(index);
                }));
            }
            List<HttpResponse<String>> results = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    /** Issue 11: an HTML payload labelled text/html was accepted, and then served as text/html. */
    @Test
    void anHtmlPayloadIsRefusedWhateverItsLabel() throws Exception {
        IssuedCode code = issueCode();
        byte[] html = "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.UTF_8);
        assertProblem(upload(stationA, seal(stationA, code, html, "text/html"), code.codeId()), "PHOTO_NOT_JPEG");
        assertProblem(upload(stationA, seal(stationA, code, html, CaptureMetadata.JPEG), code.codeId()),
                "PHOTO_OUT_OF_SPEC");
        assertTrue(registry.photos().versions(code.codeId()).isEmpty(), "nothing was archived");
    }

    /** A photo accepted before acceptance checked photos is not served unless it is declared a JPEG. */
    @Test
    void thePhotoEndpointServesNothingButAJpeg() throws Exception {
        IssuedCode code = issueCode();
        byte[] html = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
        byte[] envelope = seal(stationA, code, html, "text/html");
        String sha256 = sha256(envelope);
        Path sealed = Files.write(dataDir.resolve("accepted-before-photo-checks.cms"), envelope);
        registry.photos().adopt(sha256, new LocalFileBytes(sealed, envelope.length));
        registry.photos().record(new PhotoArchive.AcceptedPhoto(sha256, envelope.length, code.codeId(), 1,
                stationA.stationId(), sha256(html), "text/html", Instant.now(), Instant.now(), "{}")).join();

        HttpResponse<String> served = TusTestClient.plain(server, null).get("/admin/v1/photos/" + sha256);
        assertEquals(409, served.statusCode(), served.body());
        assertTrue(served.body().contains("\"reason\":\"PHOTO_NOT_JPEG\""), served.body());
        assertFalse(served.body().contains("<script>"), served.body());
    }

    /**
     * Issue 17: the decrypted photo the admin page shows is held in memory only. A photo larger than
     * the opener's default in-memory threshold used to go through a temporary file in
     * {@code java.io.tmpdir}; with no writable one, serving it failed. Now it is served from memory.
     */
    @Test
    void theAdminsDecryptedPhotoIsNeverWrittenToDisk() throws Exception {
        IssuedCode code = issueCode();
        // A JPEG followed by padding: past the default threshold, which an accepted photo never reaches.
        byte[] photo = Arrays.copyOf(SamplePhotos.good(8), EnvelopeOpener.DEFAULT_MEMORY_THRESHOLD + 4096);
        byte[] envelope = seal(stationA, code, photo, CaptureMetadata.JPEG);
        String sha256 = sha256(envelope);
        Path sealed = Files.write(dataDir.resolve("large-photo.cms"), envelope);
        registry.photos().adopt(sha256, new LocalFileBytes(sealed, envelope.length));
        registry.photos().record(new PhotoArchive.AcceptedPhoto(sha256, envelope.length, code.codeId(), 1,
                stationA.stationId(), sha256(photo), CaptureMetadata.JPEG, Instant.now(), Instant.now(), "{}")).join();

        String temporary = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dataDir.resolve("no-temporary-directory").toString());
        try {
            HttpRequest request = TusTestClient.plain(server, null).request("/admin/v1/photos/" + sha256).GET().build();
            HttpResponse<byte[]> served = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, served.statusCode(), () -> new String(served.body(), StandardCharsets.UTF_8));
            assertArrayEquals(photo, served.body());
        } finally {
            System.setProperty("java.io.tmpdir", temporary);
        }
    }

    /** Issue 11 item 10: the documented status of a wrong envelope-sha256 is the one served. */
    @Test
    void aWrongEnvelopeHashIsRefused() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, SamplePhotos.good(9));
        assertProblem(upload(stationA, envelope, code.codeId(), sha256(new byte[] {1})), "ENVELOPE_HASH_MISMATCH");
    }

    /**
     * A whole envelope sent with its {@code Upload-Checksum} (as the agent sends it) is judged from the bytes as
     * received, hashed once as they arrived: a wrong envelope-sha256 is still refused, and the archive takes
     * over the upload's durable file (a hard link to it), not the copy in memory.
     */
    @Test
    void anEnvelopeSentWithItsChecksumIsHashedOnceAndArchivedFromItsDurableFile() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, SamplePhotos.good(12));
        assertProblem(upload(stationA, envelope, code.codeId(), sha256(new byte[] {1}), true),
                "ENVELOPE_HASH_MISMATCH");

        HttpResponse<String> accepted = upload(stationA, envelope, code.codeId(), sha256(envelope), true);
        assertEquals(200, accepted.statusCode(), accepted.body());
        Receipt receipt = ReceiptCodec.verify(accepted.body().getBytes(StandardCharsets.UTF_8),
                registry.trustBundles().currentBundle(), "receipt");
        assertEquals(sha256(envelope), receipt.envelopeSha256());
        Path archived = ((FilePhotoArchive) registry.photos()).envelopeFile(receipt.envelopeSha256());
        assertArrayEquals(envelope, Files.readAllBytes(archived));
        assertEquals(2, (int) Files.getAttribute(archived, "unix:nlink"),
                "the archive links the upload's data file instead of writing the bytes again");
    }

    /** An envelope too large to hold a photo within the specification is refused without being read. */
    @Test
    void anEnvelopeTooLargeForAnyAcceptablePhotoIsRefused() throws Exception {
        byte[] large = new byte[(int) EnvelopeAcceptance.MAX_ENVELOPE_BYTES + 1];
        assertProblem(upload(stationA, large, "AAAAAAAAAAAAAAAA"), "ENVELOPE_TOO_LARGE");
    }

    /**
     * Issue 18: this envelope made Bouncy Castle throw ArithmeticException; the registry answered
     * 500 STORAGE_FAILURE ("retry later") and its result stayed 500. It is a terminal 422 now.
     */
    @Test
    void anEnvelopeThatBreaksTheParserIsATerminalRefusalNotAStorageFailure() throws Exception {
        byte[] envelope = HexFormat.of().parseHex(EnvelopeJudgeTest.VERSION_BEYOND_INT_RANGE);
        HttpResponse<String> result = upload(stationA, envelope, "AAAAAAAAAAAAAAAA");
        assertProblem(result, "MALFORMED");
        assertTrue(detail(result).contains("the SignedData version"), result.body());
        HttpResponse<String> again = TusTestClient.plain(server, stationA.stationId()).get(result.uri().getPath());
        assertEquals(result.body(), again.body(), "the outcome is recorded: asked again, the same refusal");
        assertProblem(again, "MALFORMED");
    }

    @Test
    void aStationCertifiedByTheCaButNeverEnrolledIsRefused() throws Exception {
        StationCredentials stranger = registry.keyring().issueStation("ST-STRANGER", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        IssuedCode code = issueCode();
        assertProblem(upload(stranger, seal(stranger, code, SamplePhotos.good(7)), code.codeId()), "STATION_UNKNOWN");
    }

    @Test
    void aRevokedStationIsRefusedAtTheDoor() throws Exception {
        StationCredentials revoked = enroll();
        registry.stations().revoke(revoked.stationId(), "lost", Instant.now());
        HttpResponse<String> refused = TusTestClient.plain(server, revoked.stationId()).create(10);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("\"reason\":\"STATION_REVOKED\""), refused.body());
    }

    /** Stations not yet upgraded, and envelopes sealed before the registry announced format 2. */
    @Test
    void aFormat1EnvelopeIsStillAccepted() throws Exception {
        IssuedCode code = issueCode();
        TrustBundle bundle = registry.trustBundles().currentBundle();
        assertEquals(Set.of(1, 2), bundle.envelopeFormats());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = new EnvelopeSealer(stationA, bundle.currentEncryptionCertificate(Instant.now()),
                Suite.P256_AES256GCM_SHA256, Binding.FORMAT_VERSION_CODE_TEXT).seal(PhotoSource.of(SamplePhotos.good(3)),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()), CaptureMetadata.jpeg(Instant.now()), out);
        assertEquals(code.text(), binding.codeText());
        assertEquals(200, upload(stationA, out.toByteArray(), code.codeId()).statusCode());
    }

    /**
     * The attack format 2 exists to stop: whoever reads an envelope (a backup, a copied spool) lifts
     * its code proof onto another photo, sealed with a station key (another station's, or the same
     * station's for a photo the graduate never posed for). The registry refuses every such envelope.
     */
    @Test
    void aCodeProofLiftedOntoAnotherPhotoIsRefused() throws Exception {
        IssuedCode code = issueCode();
        Binding genuine = sealFormat2(stationA, code, SamplePhotos.good(4));
        assertEquals(Binding.FORMAT_VERSION_CODE_PROOF, genuine.formatVersion());
        byte[] lifted = genuine.codeProof();
        byte[] otherPhoto = SamplePhotos.good(5);
        TrustBundle bundle = registry.trustBundles().currentBundle();
        for (StationCredentials forger : List.of(stationB, stationA)) {
            Binding forged = Binding.withCodeProof(genuine.suiteId(), code.codeId(), lifted,
                    MessageDigest.getInstance("SHA-256").digest(otherPhoto), otherPhoto.length, CaptureMetadata.JPEG,
                    forger.stationId(), genuine.captureTime());
            byte[] envelope = EnvelopeForgery.envelope(Suite.P256_AES256GCM_SHA256, forger,
                    bundle.currentEncryptionCertificate(Instant.now()), forged, otherPhoto);
            HttpResponse<String> result = upload(forger, envelope, code.codeId());
            assertProblem(result, "CODE_PROOF_INVALID");
            assertTrue(detail(result).contains("copied from another envelope"), detail(result));
        }
    }

    /** A format 2 envelope for a code this registry never issued: no key to check its proof with. */
    @Test
    void aFormat2EnvelopeForACodeNotIssuedHereIsRefused() throws Exception {
        RegistryKeyring elsewhere = RegistryKeyring.generate("Another registry", Instant.now().minus(Duration.ofDays(1)),
                Duration.ofDays(30));
        TrustBundle theirs = elsewhere.trustBundle(1, Instant.now());
        String foreign = new CodeIssuer(elsewhere.codeSigning(), elsewhere.encryption().certificate()).issue(STUDENT,
                10337, 2027, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1))).text();
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = EnvelopeSealer.forBundle(stationA, bundle, Instant.now()).seal(
                PhotoSource.of(SamplePhotos.good(6)), new CodeVerifier(theirs).verify(foreign, Instant.now()),
                CaptureMetadata.jpeg(Instant.now()), out);
        assertProblem(upload(stationA, out.toByteArray(), binding.codeId()), "CODE_PROOF_KEY_UNKNOWN");
    }

    private Binding sealFormat2(StationCredentials station, IssuedCode code, byte[] photo) throws Exception {
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = EnvelopeSealer.forBundle(station, bundle, Instant.now()).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()), CaptureMetadata.jpeg(Instant.now()), out);
        assertEquals(200, upload(station, out.toByteArray(), code.codeId()).statusCode(), "the genuine envelope");
        return binding;
    }

    private static void assertProblem(HttpResponse<String> result, String reason) {
        assertEquals(422, result.statusCode(), result.body());
        assertTrue(result.body().contains("\"reason\":\"" + reason + "\""), result.body());
    }

    private static String detail(HttpResponse<String> problem) throws Exception {
        return JSON.readTree(problem.body()).get("detail").asText();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
