package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(station, bundle, Instant.now()).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()), CaptureMetadata.jpeg(Instant.now()), out);
        return out.toByteArray();
    }

    /** Uploads in one creation-with-upload request and returns the outcome's result response. */
    private HttpResponse<String> upload(StationCredentials uploader, byte[] envelope, String codeId) throws Exception {
        TusTestClient tus = TusTestClient.plain(server, uploader.stationId());
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, sha256(envelope)).encode();
        HttpResponse<String> created = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(envelope.length), Tus.UPLOAD_METADATA, metadata,
                "Content-Type", Tus.OFFSET_CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build());
        assertEquals(201, created.statusCode(), created.body());
        return tus.get(created.headers().firstValue("Location").orElseThrow() + "/result");
    }

    @Test
    void acceptsASealedEnvelopeWithAVerifiableReceiptAndStoresItOnce() throws Exception {
        IssuedCode code = issueCode();
        byte[] photo = "a photo of a graduate".getBytes(StandardCharsets.UTF_8);
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
        assertEquals(first.body(), TusTestClient.plain(server, stationA.stationId())
                .get("/registry/v1/receipts/" + receipt.envelopeSha256()).body());
        assertEquals(404, TusTestClient.plain(server, stationB.stationId())
                .get("/registry/v1/receipts/" + receipt.envelopeSha256()).statusCode());
    }

    @Test
    void aRetakeIsANewVersionAndHistoryIsKept() throws Exception {
        IssuedCode code = issueCode();
        upload(stationA, seal(stationA, code, new byte[] {1, 2, 3}), code.codeId());
        HttpResponse<String> retake = upload(stationA, seal(stationA, code, new byte[] {4, 5, 6}), code.codeId());
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
        assertProblem(upload(stationB, seal(stationA, code, new byte[] {7}), code.codeId()), "STATION_MISMATCH");
    }

    @Test
    void anEnvelopeForACodeRevokedBeforeUploadIsRefused() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(stationA, code, new byte[] {8});
        registry.codes().revoke(code.codeId());
        assertProblem(upload(stationA, envelope, code.codeId()), "CODE_REVOKED");
    }

    @Test
    void metadataThatContradictsTheEnvelopeIsRefused() throws Exception {
        IssuedCode code = issueCode();
        IssuedCode other = issueCode();
        assertProblem(upload(stationA, seal(stationA, code, new byte[] {9}), other.codeId()), "METADATA_MISMATCH");
    }

    @Test
    void bytesThatAreNotAnEnvelopeAreRefusedAsMalformed() throws Exception {
        assertProblem(upload(stationA, "not an envelope".getBytes(StandardCharsets.UTF_8), "AAAAAAAAAAAAAAAA"),
                "MALFORMED");
    }

    @Test
    void aStationCertifiedByTheCaButNeverEnrolledIsRefused() throws Exception {
        StationCredentials stranger = registry.keyring().issueStation("ST-STRANGER", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        IssuedCode code = issueCode();
        assertProblem(upload(stranger, seal(stranger, code, new byte[] {10}), code.codeId()), "STATION_UNKNOWN");
    }

    @Test
    void aRevokedStationIsRefusedAtTheDoor() throws Exception {
        StationCredentials revoked = enroll();
        registry.stations().revoke(revoked.stationId(), "lost", Instant.now());
        HttpResponse<String> refused = TusTestClient.plain(server, revoked.stationId()).create(10);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("\"reason\":\"STATION_REVOKED\""), refused.body());
    }

    private static void assertProblem(HttpResponse<String> result, String reason) {
        assertEquals(422, result.statusCode(), result.body());
        assertTrue(result.body().contains("\"reason\":\"" + reason + "\""), result.body());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
