package dev.codebound.server;

import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS client contexts for tests: trust the registry CA, optionally present a station certificate. */
public final class TlsClients {
    private static final char[] PASSWORD = "test".toCharArray();

    private TlsClients() {}

    /** Issues a station certificate from the registry's CA, valid for a day. */
    public static StationCredentials station(RegistryKeyring keyring, String stationId) {
        Instant now = Instant.now();
        return keyring.issueStation(stationId, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
    }

    /** An SSLContext trusting only the registry CA and presenting {@code station} (null: no certificate). */
    public static SSLContext context(RegistryKeyring keyring, StationCredentials station) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("registry-ca", jdk(keyring.authority().certificate()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (station != null) {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(station.privateKey().getEncoded()));
            keys.setKeyEntry("station", key, PASSWORD, new Certificate[] {jdk(station.certificate())});
        }
        keyManagers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    public static HttpClient httpClient(SSLContext context) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static X509Certificate jdk(X509Certificate certificate) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }
}
