package dev.codebound.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TlsClients;
import dev.codebound.server.TusTestClient;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import dev.codebound.server.TlsEngine;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutual TLS: public routes need no certificate, tus routes need a registry-issued station
 * certificate. Run once per TLS engine: BoringSSL and the JDK's TLS must behave the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
class MutualTlsTest {
    @TempDir
    static Path dataDir;

    @Parameter
    TlsEngine engine;

    private MockRegistry registry;

    @BeforeParameterizedClassInvocation
    void start() throws Exception {
        registry = MockRegistry.start(MockRegistryConfig.builder().port(0).dataDir(dataDir).storageThreads(2)
                .eventLoopThreads(1).tlsEngine(engine).completionHandler(TestRegistries.ACCEPT_ANY_BYTES).build());
    }

    @AfterParameterizedClassInvocation
    void stop() {
        registry.close();
    }

    @Test
    void servesWithTheEngineAskedFor() {
        assertEquals(engine == TlsEngine.JDK ? SslProvider.JDK : SslProvider.OPENSSL,
                registry.tlsProvider().orElseThrow());
    }

    /**
     * TLS 1.2 lets a client renegotiate (redo the handshake, perhaps with another certificate) on an
     * open connection; the server speaks TLS 1.3 only, which has no renegotiation.
     */
    @Test
    void onlyTls13IsServedSoThereIsNoRenegotiation() throws Exception {
        SSLContext context = TlsClients.context(registry.keyring(),
                TlsClients.station(registry.keyring(), "station-1"));
        try (SSLSocket tls12 = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                registry.port())) {
            tls12.setSoTimeout(10_000);
            tls12.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThrows(SSLException.class, tls12::startHandshake, "a TLS 1.2 handshake is refused");
        }
        try (SSLSocket tls13 = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                registry.port())) {
            tls13.setSoTimeout(10_000);
            tls13.startHandshake();
            assertEquals("TLSv1.3", tls13.getSession().getProtocol());
        }
    }

    @Test
    void withoutClientCertificateTusIsRefusedButHealthIsPublic() throws Exception {
        TusTestClient anonymous = new TusTestClient(TlsClients.httpClient(TlsClients.context(registry.keyring(), null)),
                registry.baseUri(), null);
        HttpResponse<String> refused = anonymous.create(10);
        assertEquals(401, refused.statusCode());
        assertTrue(refused.body().contains("CLIENT_CERTIFICATE_REQUIRED"));
        assertEquals(200, anonymous.get("/health").statusCode());
        // The dev header means nothing in TLS mode.
        TusTestClient pretender = new TusTestClient(TlsClients.httpClient(TlsClients.context(registry.keyring(), null)),
                registry.baseUri(), "station-1");
        assertEquals(401, pretender.create(10).statusCode());
    }

    @Test
    void registryIssuedStationCertificateUploads() throws Exception {
        SSLContext context = TlsClients.context(registry.keyring(), TlsClients.station(registry.keyring(), "station-1"));
        TusTestClient station = new TusTestClient(TlsClients.httpClient(context), registry.baseUri(), null);
        String location = station.createPath(6);
        HttpResponse<String> done = station.patch(location, 0, "abcdef".getBytes());
        assertEquals(204, done.statusCode(), done.body());
        assertEquals("accepted", done.headers().firstValue("Codebound-Outcome").orElseThrow());

        SSLContext other = TlsClients.context(registry.keyring(), TlsClients.station(registry.keyring(), "station-2"));
        TusTestClient intruder = new TusTestClient(TlsClients.httpClient(other), registry.baseUri(), null);
        assertEquals(403, intruder.head(location).statusCode());
    }

    @Test
    void certificateFromAnotherCaNeverAuthenticates() throws Exception {
        RegistryKeyring stranger = RegistryKeyring.generate("Stranger", Instant.now(), Duration.ofDays(30));
        SSLContext context = TlsClients.context(registry.keyring(), TlsClients.station(stranger, "station-1"));
        TusTestClient station = new TusTestClient(TlsClients.httpClient(context), registry.baseUri(), null);
        // The server asks only for certificates from the registry CA: the JDK client then sends none
        // (401); a client that insisted would fail the handshake. Either way, no identity.
        try {
            assertEquals(401, station.create(10).statusCode());
        } catch (java.io.IOException handshakeRefused) {
            assertTrue(handshakeRefused.getMessage() != null);
        }
    }

    @Test
    void adminRoutesNeedTheToken() throws Exception {
        HttpClient client = TlsClients.httpClient(TlsClients.context(registry.keyring(), null));
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(registry.baseUri().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());
        HttpResponse<String> allowed = client.send(HttpRequest.newBuilder(registry.baseUri().resolve("/metrics"))
                .header("Authorization", "Bearer " + registry.adminToken().orElseThrow()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, allowed.statusCode());
        assertTrue(allowed.body().contains("codebound_uploads_created_total"));
    }

    @Test
    void serverCertificateChainsToTheStoredCa() throws Exception {
        var ca = PemFiles.readCertificates(registry.caCertificateFile()).get(0);
        assertEquals(registry.keyring().authority().certificate(), ca);
        HttpResponse<String> options = new TusTestClient(TlsClients.httpClient(
                TlsClients.context(registry.keyring(), null)), registry.baseUri(), null)
                .send(HttpRequest.newBuilder(registry.baseUri().resolve("/files/"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(Tus.VERSION, options.headers().firstValue(Tus.TUS_VERSION).orElseThrow());
    }
}
