package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.Pkcs12Files;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS over loopback against a server whose certificate the registry CA issued. */
class MutualTlsTest {
    private static final Instant NOW = Instant.now();
    private static final char[] PASSWORD = "station-password".toCharArray();

    private static RegistryKeyring registry;
    private static RegistryKeyring otherRegistry;
    private static StationCredentials station;

    /** Shared: writing a PKCS#12 file runs a deliberately slow key derivation, so do it once. */
    @TempDir
    static Path temp;

    private static Path pkcs12;

    private MockWebServer server;

    @BeforeAll
    static void enroll() {
        registry = RegistryKeyring.generate("Test Registry", NOW, Duration.ofDays(30));
        otherRegistry = RegistryKeyring.generate("Impostor Registry", NOW, Duration.ofDays(30));
        station = registry.issueStation("station-7", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        pkcs12 = temp.resolve("station.p12");
        try {
            Pkcs12Files.write(pkcs12, new Pkcs12Files.KeyEntry(station.privateKey(), List.of(station.certificate())),
                    PASSWORD);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Starts an HTTPS server with a certificate from {@code issuer} for {@code names}, requiring client certificates. */
    private void startServer(RegistryKeyring issuer, List<String> names) throws Exception {
        KeyPair pair = KeyPairs.generateP256();
        X509Certificate certificate = issuer.authority().issue(pair.getPublic(), "registry tls",
                CertificateProfile.TLS_SERVER, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)), names);
        // The server side reuses the client factory's key and trust set-up: it trusts the registry CA for clients.
        OkHttpClient serverSide = MutualTls.create(pair.getPrivate(), List.of(certificate),
                registry.authority().certificate()).build();
        server = new MockWebServer();
        server.useHttps(serverSide.sslSocketFactory());
        server.requireClientAuth();
        server.enqueue(new MockResponse.Builder().code(204).build());
        server.start(InetAddress.getLoopbackAddress(), 0);
    }


    private Path writeCa(RegistryKeyring keyring) throws IOException {
        Path file = temp.resolve(keyring.registryName().replace(' ', '-') + "-ca.pem");
        PemFiles.writeCertificates(file, List.of(keyring.authority().certificate()));
        return file;
    }

    private Response get(OkHttpClient client) throws IOException {
        return client.newCall(new Request.Builder().url(server.url("/files/")).build()).execute();
    }

    @Test
    void stationCertificateFromPkcs12IsPresentedAndTheRegistryIsTrusted() throws Exception {
        startServer(registry, List.of("localhost", "127.0.0.1"));
        OkHttpClient client = MutualTls.fromPkcs12(pkcs12, PASSWORD, writeCa(registry)).build();
        try (Response response = get(client)) {
            assertEquals(204, response.code());
            TlsVersion version = response.handshake().tlsVersion();
            assertTrue(version == TlsVersion.TLS_1_3 || version == TlsVersion.TLS_1_2);
        }
        RecordedRequest request = server.takeRequest();
        X509Certificate presented = (X509Certificate) request.getHandshake().peerCertificates().get(0);
        assertEquals("station-7", Certificates.commonName(presented));
    }

    @Test
    void connectionsHaveNaglesAlgorithmOff() throws Exception {
        startServer(registry, List.of("localhost", "127.0.0.1"));
        boolean[] noDelay = new boolean[1];
        OkHttpClient client = MutualTls.fromPkcs12(pkcs12, PASSWORD, writeCa(registry))
                .addNetworkInterceptor(chain -> {
                    noDelay[0] = chain.connection().socket().getTcpNoDelay();
                    return chain.proceed(chain.request());
                })
                .build();
        try (Response response = get(client)) {
            assertEquals(204, response.code());
        }
        assertTrue(noDelay[0], "the upload's connection must not wait for acknowledgements before sending");
    }

    @Test
    void pemKeyAndCertificateWorkToo() throws Exception {
        startServer(registry, List.of("localhost", "127.0.0.1"));
        Path key = temp.resolve("station.key.pem");
        Path certificate = temp.resolve("station.cert.pem");
        // Unencrypted: passphrase-protected PEM keys are PemFiles' concern and slow to derive.
        PemFiles.writePrivateKey(key, station.privateKey(), null);
        PemFiles.writeCertificates(certificate, List.of(station.certificate()));
        OkHttpClient client = MutualTls.fromPem(key, null, certificate, writeCa(registry)).build();
        try (Response response = get(client)) {
            assertEquals(204, response.code());
        }
    }

    /**
     * The registry, which honours the client's order, uses the suite the station offers first: the
     * cipher this JVM's JIT makes cheaper ({@link CipherSuiteOrder}). An earlier version ordered only the
     * socket's suites, which OkHttp replaces with its connection spec's order, so AES-GCM was used even
     * where ChaCha20-Poly1305 was meant to be.
     */
    @Test
    void theRegistryUsesTheSuiteTheStationOffersFirst() throws Exception {
        try (MockRegistry registry = MockRegistry.start(MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0)
                .dataDir(temp.resolve("cipher-registry")).tls(true).build())) {
            OkHttpClient client = MutualTls.serverAuthenticated(registry.keyring().authority().certificate()).build();
            List<CipherSuite> offered = client.connectionSpecs().get(0).cipherSuites();
            assertEquals(CipherSuiteOrder.forThisJvm().apply(ConnectionSpec.RESTRICTED_TLS.cipherSuites()), offered);
            Request health = new Request.Builder().url(registry.baseUri().resolve("/health").toString()).build();
            try (Response response = client.newCall(health).execute()) {
                assertEquals(200, response.code());
                assertEquals(TlsVersion.TLS_1_3, response.handshake().tlsVersion());
                assertEquals(offered.get(0), response.handshake().cipherSuite(), offered.toString());
            }
        }
    }

    @Test
    void registryCaIsTheOnlyTrustAnchor() throws Exception {
        OkHttpClient client = MutualTls.fromPkcs12(pkcs12, PASSWORD, writeCa(registry)).build();
        X509Certificate[] anchors = client.x509TrustManager().getAcceptedIssuers();
        assertEquals(1, anchors.length, "no system CAs");
        assertEquals(registry.authority().certificate(), anchors[0]);
        assertEquals(1, client.connectionSpecs().size(), "no cleartext fallback");
        assertEquals(List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), client.connectionSpecs().get(0).tlsVersions());
    }

    @Test
    void serverFromAnotherCaIsRefused() throws Exception {
        startServer(otherRegistry, List.of("localhost", "127.0.0.1"));
        OkHttpClient client = MutualTls.fromPkcs12(pkcs12, PASSWORD, writeCa(registry)).build();
        assertThrows(SSLHandshakeException.class, () -> get(client).close());
    }

    @Test
    void serverCertificateForAnotherHostIsRefused() throws Exception {
        startServer(registry, List.of("registry.invalid"));
        OkHttpClient client = MutualTls.fromPkcs12(pkcs12, PASSWORD, writeCa(registry)).build();
        assertThrows(SSLPeerUnverifiedException.class, () -> get(client).close());
    }
}
