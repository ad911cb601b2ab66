package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.problem.Refusal;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One registry, both envelope suites side by side, over tus on loopback: a P-256 station and an SM2
 * station enrolled at the same registry upload to it; each envelope is verified with its suite's
 * algorithms and gets a receipt signed with its suite's algorithm, both in the one transparency log.
 * And the refusals: a suite the registry does not accept, a station sealing with a suite it holds no
 * enrolled certificate for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedSuiteAcceptanceTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");

    @TempDir
    static Path bothDir;
    @TempDir
    static Path suite1Dir;
    MockRegistry both;
    MockRegistry suite1Only;

    @BeforeAll
    void start() throws Exception {
        both = start(bothDir, Set.of(1, 2));
        suite1Only = start(suite1Dir, Set.of(1));
    }

    private static MockRegistry start(Path dataDir, Set<Integer> suites) throws Exception {
        return MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(dataDir)
                .tls(false).storageThreads(2).eventLoopThreads(1).acceptedSuites(suites).build());
    }

    @AfterAll
    void stop() {
        both.close();
        suite1Only.close();
    }

    /** A station's two identities: P-256 (TLS, suite 1) and, for a suite 2 station, SM2 (suite 2 envelopes). */
    private record Station(StationCredentials p256, Optional<StationCredentials> sm2) {
        String id() {
            return p256.stationId();
        }
    }

    private static Station enroll(Registry registry, boolean sm2) throws Exception {
        KeyPair key = KeyPairs.generateP256();
        KeyPair sm2Key = KeyPairs.generateSm2();
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "test").token();
        EnrollmentService.Enrolled enrolled = registry.enrollment().enroll(token,
                CertificationRequests.create(key, "studio"),
                sm2 ? Optional.of(CertificationRequests.create(sm2Key, "studio")) : Optional.empty());
        return new Station(new StationCredentials(key.getPrivate(), enrolled.certificate()),
                enrolled.sm2Certificate().map(certificate -> new StationCredentials(sm2Key.getPrivate(), certificate)));
    }

    private static IssuedCode issueCode(Registry registry) throws Exception {
        Instant now = Instant.now();
        return registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30))));
    }

    private static byte[] seal(Registry registry, StationCredentials signer, X509Certificate recipient, Suite suite,
            IssuedCode code, byte[] photo) throws Exception {
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeSealer(signer, recipient, suite).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()), CaptureMetadata.jpeg(Instant.now()), out);
        return out.toByteArray();
    }

    private static HttpResponse<String> upload(MockRegistry server, String stationId, byte[] envelope, String codeId)
            throws Exception {
        TusTestClient tus = TusTestClient.plain(server, stationId);
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, sha256(envelope)).encode();
        HttpResponse<String> created = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(envelope.length), Tus.UPLOAD_METADATA, metadata,
                "Content-Type", Tus.OFFSET_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build());
        assertEquals(201, created.statusCode(), created.body());
        return tus.get(created.headers().firstValue("Location").orElseThrow() + "/result");
    }

    @Test
    void aP256StationAndAnSm2StationUploadToTheSameRegistryAndGetReceiptsOfTheirSuite() throws Exception {
        Registry registry = both.registry();
        Station p256 = enroll(registry, false);
        Station sm2 = enroll(registry, true);
        TrustBundle bundle = registry.trustBundles().currentBundle();
        assertEquals(Set.of(1, 2), bundle.suites().keySet());
        IssuedCode first = issueCode(registry);
        IssuedCode second = issueCode(registry);
        byte[] photo = SamplePhotos.good(1);

        byte[] suite1 = sealForBundle(bundle, p256.p256(), Suite.P256_AES256GCM_SHA256, first, photo);
        byte[] suite2 = sealForBundle(bundle, sm2.sm2().orElseThrow(), Suite.SM2_SM4GCM_SM3, second, photo);
        HttpResponse<String> p256Result = upload(both, p256.id(), suite1, first.codeId());
        HttpResponse<String> sm2Result = upload(both, sm2.id(), suite2, second.codeId());
        assertEquals(200, p256Result.statusCode(), p256Result.body());
        assertEquals(200, sm2Result.statusCode(), sm2Result.body());

        byte[] p256Signed = p256Result.body().getBytes(StandardCharsets.UTF_8);
        byte[] sm2Signed = sm2Result.body().getBytes(StandardCharsets.UTF_8);
        assertEquals(ReceiptCodec.FORMAT, SignedJson.parse(p256Signed, ReceiptCodec.FORMAT, "receipt").format());
        assertEquals(ReceiptCodec.FORMAT_2, SignedJson.parse(sm2Signed, ReceiptCodec.FORMAT_2, "receipt").format());
        Receipt p256Receipt = ReceiptCodec.verify(p256Signed, bundle, "suite 1 receipt");
        Receipt sm2Receipt = ReceiptCodec.verify(sm2Signed, bundle, "suite 2 receipt");
        assertEquals(1, p256Receipt.suite());
        assertEquals(2, sm2Receipt.suite());
        assertEquals(KeyPairs.keyIdHex(registry.keyring().sm2ReceiptSigning().certificate().getPublicKey()),
                sm2Receipt.signingKeyId());
        assertEquals(HexFormat.of().formatHex(
                MessageDigest.getInstance("SM3", Providers.ellipticCurve()).digest(photo)),
                sm2Receipt.photoSha256(), "a suite 2 receipt states the photo's SM3 digest, as the binding does");
        assertEquals(sha256(photo), p256Receipt.photoSha256());
        // One log for both suites: each receipt's inclusion verifies against a P-256-signed checkpoint.
        ReceiptCodec.verifyLogInclusion(p256Receipt, bundle, "suite 1 receipt");
        ReceiptCodec.verifyLogInclusion(sm2Receipt, bundle, "suite 2 receipt");

        // The registry decrypts both for its administrators.
        for (Receipt receipt : new Receipt[] {p256Receipt, sm2Receipt}) {
            HttpResponse<byte[]> decrypted = java.net.http.HttpClient.newHttpClient().send(TusTestClient.plain(both,
                    null).request("/admin/v1/photos/" + receipt.envelopeSha256()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, decrypted.statusCode());
            assertArrayEquals(photo, decrypted.body());
        }
    }

    @Test
    void aStationSealingWithASuiteItHasNoEnrolledCertificateForIsRefusedWithASpecificProblem() throws Exception {
        Registry registry = both.registry();
        Station p256 = enroll(registry, false);
        // An SM2 certificate from the registry's CA with this station's id, but not the one it enrolled with
        // (it enrolled for suite 1 only): the envelope verifies, the registry's records refuse it.
        StationCredentials unenrolled = registry.keyring().issueSm2Station(p256.id(),
                Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)));
        IssuedCode code = issueCode(registry);
        byte[] envelope = seal(registry, unenrolled, registry.keyring().sm2Encryption().certificate(),
                Suite.SM2_SM4GCM_SM3, code, SamplePhotos.good(2));
        HttpResponse<String> result = upload(both, p256.id(), envelope, code.codeId());
        assertEquals(422, result.statusCode(), result.body());
        JsonNode problem = new ObjectMapper().readTree(result.body());
        assertEquals("SUITE_CERTIFICATE_MISMATCH", problem.get("reason").asText(), result.body());
        assertTrue(problem.get("detail").asText().contains("envelope.suite"), result.body());
    }

    @Test
    void aRegistryThatAcceptsOnlySuiteOneRefusesSuiteTwoAtEnrollmentAndAtAcceptance() throws Exception {
        Registry registry = suite1Only.registry();
        TrustBundle bundle = registry.trustBundles().currentBundle();
        assertEquals(Set.of(1), bundle.suites().keySet());
        assertTrue(bundle.encryption(2).isEmpty());

        Refusal refusedEnrollment = assertThrows(Refusal.class, () -> enroll(registry, true));
        assertEquals("SUITE_NOT_ACCEPTED", refusedEnrollment.type().code());

        Station p256 = enroll(registry, false);
        StationCredentials sm2 = registry.keyring().issueSm2Station(p256.id(),
                Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)));
        IssuedCode code = issueCode(registry);
        // Sealed to the registry's SM2 key although its bundle does not list suite 2 (a station with a stale
        // bundle): refused for the suite, not for anything the station could not know.
        byte[] envelope = seal(registry, sm2, registry.keyring().sm2Encryption().certificate(), Suite.SM2_SM4GCM_SM3,
                code, SamplePhotos.good(3));
        HttpResponse<String> result = upload(suite1Only, p256.id(), envelope, code.codeId());
        assertEquals(422, result.statusCode(), result.body());
        JsonNode problem = new ObjectMapper().readTree(result.body());
        assertEquals("SUITE_NOT_ACCEPTED", problem.get("reason").asText(), result.body());
        assertTrue(problem.get("detail").asText().contains("lists suites [1]"), result.body());
    }

    @Test
    void revokingAStationWithdrawsBothItsCertificates() throws Exception {
        Registry registry = both.registry();
        Station sm2 = enroll(registry, true);
        registry.stations().revoke(sm2.id(), "test", Instant.now());
        TrustBundle bundle = registry.trustBundles().currentBundle();
        assertTrue(bundle.isStationRevoked(sm2.p256().certificate()));
        assertTrue(bundle.isStationRevoked(sm2.sm2().orElseThrow().certificate()));
    }

    /** Seals for the encryption certificate the bundle lists for the suite, as a station does. */
    private static byte[] sealForBundle(TrustBundle bundle, StationCredentials signer, Suite suite, IssuedCode code,
            byte[] photo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(signer, bundle, Instant.now(), suite).seal(PhotoSource.of(photo),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()), CaptureMetadata.jpeg(Instant.now()), out);
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
