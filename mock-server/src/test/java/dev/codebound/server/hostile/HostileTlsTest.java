package dev.codebound.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TlsClients;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.registry.CodeBook;
import dev.codebound.server.registry.Registry;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against the real registry over mutual TLS: clients without a valid station
 * certificate, revoked stations, and stations that upload what they should not. Each refusal is
 * pinned to its status and problem reason, and after each one an honest enrolled station still
 * uploads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTlsTest {
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
                .tls(true).storageThreads(2).eventLoopThreads(1).build());
        registry = server.registry();
        stationA = enroll();
        stationB = enroll();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Whatever a hostile client just did, an honest station still gets its envelope accepted. */
    @AfterEach
    void honestStationIsStillServed() throws Exception {
        IssuedCode code = issueCode(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)));
        HttpResponse<String> result = upload(stationA, stationA, seal(stationA, code, photo()), code.codeId());
        assertEquals(200, result.statusCode(), result.body());
    }

    // ---- who may talk to the tus routes at all ----

    @Test
    void noClientCertificateIs401() throws Exception {
        TusTestClient anonymous = client(TlsClients.context(registry.keyring(), null));
        HttpResponse<String> refused = anonymous.create(10);
        assertProblem(refused, 401, "CLIENT_CERTIFICATE_REQUIRED");
        // The plain-mode dev header means nothing over TLS.
        TusTestClient pretender = new TusTestClient(TlsClients.httpClient(TlsClients.context(registry.keyring(),
                null)), server.baseUri(), stationA.stationId());
        assertProblem(pretender.create(10), 401, "CLIENT_CERTIFICATE_REQUIRED");
    }

    @Test
    void certificateFromAForeignCaFailsTheHandshake() throws Exception {
        RegistryKeyring foreign = RegistryKeyring.generate("Foreign", Instant.now(), Duration.ofDays(30));
        // The same station id as a real enrolled station, from a CA the registry does not trust:
        // a client that insists on presenting it (rather than letting the JDK withhold it).
        StationCredentials forged = foreign.issueStation(stationA.stationId(), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        TusTestClient impostor = client(insisting(forged.privateKey(), forged.certificate()));
        IOException refused = assertThrows(IOException.class, () -> impostor.create(10));
        // The server's trust manager refuses the chain: a fatal alert (certificate_unknown), no HTTP answer.
        assertTrue(causes(refused).anyMatch(cause -> cause instanceof javax.net.ssl.SSLHandshakeException),
                "the TLS handshake itself fails: " + refused);
    }

    @Test
    void registryIssuedCertificateThatIsNoStationCertificateIs401() throws Exception {
        // The registry's own code-signing certificate chains to the registry CA but has no
        // clientAuth extended key usage: it names no station.
        RegistryKeyring.KeyedCertificate codeSigning = registry.keyring().codeSigning();
        TusTestClient insider = client(insisting(codeSigning.privateKey(), codeSigning.certificate()));
        // The handshake succeeds (the chain is the registry's), but the certificate names no station.
        HttpResponse<String> refused = insider.create(10);
        assertProblem(refused, 401, "CLIENT_CERTIFICATE_REQUIRED");
        assertProblem(insider.get("/registry/v1/receipts/" + "0".repeat(64)), 401, "CLIENT_CERTIFICATE_REQUIRED");
    }

    @Test
    void revokedStationIsRefusedOnEveryTusRoute() throws Exception {
        StationCredentials revoked = enroll();
        TusTestClient station = client(TlsClients.context(registry.keyring(), revoked));
        String location = station.createPath(3);
        registry.stations().revoke(revoked.stationId(), "laptop stolen", Instant.now());
        // The same connection pool (open connections) is refused at once, on every route.
        assertProblem(station.create(10), 403, "STATION_REVOKED");
        assertProblem(station.patch(location, 0, new byte[] {1, 2, 3}), 403, "STATION_REVOKED");
        assertProblem(station.get(location + "/result"), 403, "STATION_REVOKED");
        assertEquals(403, station.head(location).statusCode());
    }

    @Test
    void aStationCertificateIsNoAdminCredential() throws Exception {
        TusTestClient station = client(TlsClients.context(registry.keyring(), stationA));
        for (String path : List.of("/admin/journal", "/metrics", "/admin/v1/stations", "/admin/faults")) {
            assertProblem(station.get(path), 401, "ADMIN_TOKEN_REQUIRED");
        }
        String token = server.adminToken().orElseThrow();
        String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        for (String bearer : List.of("Bearer " + wrong, "Bearer " + token.substring(1), "Bearer", "Basic " + token,
                "bearer  " + token + "x")) {
            HttpResponse<String> refused = station.send(station.request("/admin/v1/stations", "Authorization", bearer)
                    .GET().build());
            assertProblem(refused, 401, "ADMIN_TOKEN_REQUIRED");
        }
        // Nor can a station reach the decrypted photos.
        assertProblem(station.get("/admin/v1/photos/" + "0".repeat(64)), 401, "ADMIN_TOKEN_REQUIRED");
    }

    // ---- what an authenticated station uploads ----

    @Test
    void envelopeOfStationAUploadedOverStationBsConnectionIsStationMismatch() throws Exception {
        IssuedCode code = validCode();
        byte[] envelope = seal(stationA, code, photo());
        assertProblem(upload(stationB, stationB, envelope, code.codeId()), 422, "STATION_MISMATCH");
        // Claiming to be A in the metadata over B's certificate is refused at creation.
        TusTestClient b = client(TlsClients.context(registry.keyring(), stationB));
        assertProblem(b.create(envelope.length, Tus.UPLOAD_METADATA,
                UploadMetadata.empty().with(Tus.Metadata.STATION_ID, stationA.stationId()).encode()), 403,
                "STATION_MISMATCH");
        assertTrue(registry.photos().versions(code.codeId()).isEmpty(), "nothing archived for the code");
    }

    @Test
    void replayedEnvelopeGetsTheSameReceiptAndIsStoredAndLoggedOnce() throws Exception {
        IssuedCode code = validCode();
        byte[] envelope = seal(stationA, code, photo());
        String hash = sha256(envelope);
        long logBefore = registry.log().size();
        HttpResponse<String> first = upload(stationA, stationA, envelope, code.codeId());
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> replay = upload(stationA, stationA, envelope, code.codeId());
        HttpResponse<String> replayAgain = upload(stationA, stationA, envelope, code.codeId());
        assertEquals(first.body(), replay.body(), "the replay gets the very same signed receipt");
        assertEquals(first.body(), replayAgain.body());
        Receipt receipt = ReceiptCodec.verify(first.body().getBytes(StandardCharsets.UTF_8),
                registry.trustBundles().currentBundle(), "receipt");
        assertEquals(1, receipt.photoVersion());
        assertEquals(1, registry.photos().versions(code.codeId()).size(), "archived once");
        assertEquals(logBefore + 1, registry.log().size(), "logged once");
        long sameHashInLog = registry.log().entries(0, registry.log().size()).stream()
                .filter(entry -> HexFormat.of().formatHex(entry.envelopeSha256()).equals(hash))
                .count();
        assertEquals(1, sameHashInLog);
        try (Stream<Path> files = Files.walk(dataDir.resolve("registry"))) {
            assertEquals(1, files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().equals(hash + ".cms")).count(),
                    "one archived copy of the envelope");
        }
        // A replay by another station is no replay of its own: it is refused as not its envelope.
        assertProblem(upload(stationB, stationB, envelope, code.codeId()), 422, "STATION_MISMATCH");
        assertEquals(logBefore + 1, registry.log().size());
    }

    @Test
    void envelopeForACodeRevokedBeforeUploadIsCodeRevoked() throws Exception {
        IssuedCode code = validCode();
        byte[] envelope = seal(stationA, code, photo());
        registry.codes().revoke(code.codeId());
        assertProblem(upload(stationA, stationA, envelope, code.codeId()), 422, "CODE_REVOKED");
        assertTrue(registry.photos().versions(code.codeId()).isEmpty());
    }

    @Test
    void envelopeCapturedAfterTheCodeExpiredIsCodeExpired() throws Exception {
        Instant now = Instant.now();
        // (The registry's keys are only an hour old, so the code's whole life lies within that hour.)
        IssuedCode code = issueCode(now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(10)));
        // A hostile station ignores its own offline check: it verifies the code at a time when it was
        // valid and seals with today's capture time.
        VerifiedCode verified = new CodeVerifier(registry.trustBundles().currentBundle())
                .verify(code.text(), now.minus(Duration.ofMinutes(30)));
        byte[] envelope = seal(stationA, verified, now, photo());
        assertProblem(upload(stationA, stationA, envelope, code.codeId()), 422, "CODE_EXPIRED");
        assertTrue(registry.photos().versions(code.codeId()).isEmpty());
    }

    // ---- helpers ----

    private StationCredentials enroll() throws Exception {
        KeyPair key = KeyPairs.generateP256();
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "hostile test").token();
        return new StationCredentials(key.getPrivate(),
                registry.enrollment().enroll(token, CertificationRequests.create(key, "studio")));
    }

    // ---- what another local user can read ----

    /**
     * Code records carry the full code text (a bearer credential), the archive holds sealed
     * envelopes, and the keys and admin token are secrets: after enrollments, code issuance and an
     * accepted upload, nothing under the data directory lets group or others in.
     */
    @Test
    void everythingUnderTheDataDirIsOwnerOnly() throws Exception {
        assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        IssuedCode code = validCode();
        HttpResponse<String> accepted = upload(stationA, stationA, seal(stationA, code, photo()), code.codeId());
        assertEquals(200, accepted.statusCode(), accepted.body());
        List<Path> everything;
        try (Stream<Path> entries = Files.walk(dataDir)) {
            everything = entries.filter(entry -> !Files.isSymbolicLink(entry)).toList();
        }
        assertTrue(everything.stream().anyMatch(entry -> entry.startsWith(dataDir.resolve("registry"))
                && entry.toString().endsWith(".json")), "the walk sees the registry's records");
        List<String> open = everything.stream().map(HostileTlsTest::describeIfOpen)
                .filter(description -> !description.isEmpty()).toList();
        assertEquals(List.of(), open, "files and directories others can use");
    }

    private static String describeIfOpen(Path entry) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
            boolean open = mode.stream().anyMatch(bit -> bit.name().startsWith("GROUP_")
                    || bit.name().startsWith("OTHERS_"));
            return open ? dataDir.relativize(entry) + " " + PosixFilePermissions.toString(mode) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private IssuedCode validCode() throws Exception {
        Instant now = Instant.now();
        return issueCode(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    private IssuedCode issueCode(Instant notBefore, Instant notAfter) throws Exception {
        return registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027, notBefore, notAfter));
    }

    /** A photo that meets the specification, different every time (so is its envelope). */
    private static byte[] photo() {
        return SamplePhotos.good(System.nanoTime());
    }

    private byte[] seal(StationCredentials station, IssuedCode code, byte[] photo) throws Exception {
        Instant now = Instant.now();
        return seal(station, new CodeVerifier(registry.trustBundles().currentBundle()).verify(code.text(), now), now,
                photo);
    }

    private byte[] seal(StationCredentials station, VerifiedCode code, Instant captureTime, byte[] photo)
            throws Exception {
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(station, bundle, captureTime).seal(PhotoSource.of(photo), code,
                CaptureMetadata.jpeg(captureTime), out);
        return out.toByteArray();
    }

    /**
     * Uploads {@code envelope} over a TLS connection presenting {@code connection}'s certificate in
     * one creation-with-upload request and returns its result ({@code uploader} names who sealed it,
     * only for messages).
     */
    private HttpResponse<String> upload(StationCredentials connection, StationCredentials sealer, byte[] envelope,
            String codeId) throws Exception {
        TusTestClient tus = client(TlsClients.context(registry.keyring(), connection));
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, sha256(envelope)).encode();
        HttpResponse<String> created = tus.send(tus.request("/files/", Tus.TUS_RESUMABLE, Tus.VERSION,
                Tus.UPLOAD_LENGTH, Integer.toString(envelope.length), Tus.UPLOAD_METADATA, metadata,
                "Content-Type", Tus.OFFSET_CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build());
        assertEquals(201, created.statusCode(), "sealed by " + sealer.stationId() + ": " + created.body());
        return tus.get(created.headers().firstValue("Location").orElseThrow() + "/result");
    }

    private TusTestClient client(SSLContext context) {
        return new TusTestClient(TlsClients.httpClient(context), server.baseUri(), null);
    }

    /**
     * A TLS context trusting the registry CA that presents {@code certificate} whatever issuers the
     * server asks for: a hostile client does not politely withhold a certificate the server would
     * not accept.
     */
    private SSLContext insisting(PrivateKey key, X509Certificate certificate) throws Exception {
        X509Certificate jdkCertificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
        PrivateKey jdkKey = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"hostile"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "hostile";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "hostile";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {jdkCertificate};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return jdkKey;
            }
        };
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("registry-ca", CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(registry.keyring().authority().certificate().getEncoded())));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {always}, trustManagers.getTrustManagers(), null);
        return context;
    }

    private static Stream<Throwable> causes(Throwable error) {
        return Stream.iterate(error, cause -> cause != null, Throwable::getCause);
    }

    static void assertProblem(HttpResponse<String> response, int status, String reason) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(reason, problem.path("reason").asText(), response.body());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
