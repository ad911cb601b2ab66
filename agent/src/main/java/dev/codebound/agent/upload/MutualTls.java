package dev.codebound.agent.upload;

import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.Pkcs12Files;
import dev.codebound.protocol.pki.Providers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.TlsVersion;

/**
 * Builds OkHttp clients that speak to the registry with mutual TLS: the station presents its
 * registry-issued certificate, and the registry CA certificate is the <em>only</em> trust anchor
 * (no system CAs, so a public CA cannot vouch for an impostor registry). TLS 1.3 and 1.2 only,
 * AEAD cipher suites only, AES-GCM or ChaCha20-Poly1305 offered first as this process's TLS
 * engine makes cheaper ({@link CipherSuiteOrder}); OkHttp's hostname verification stays on. The
 * engine is BoringSSL (Conscrypt) where {@link Providers#tls()} finds it, else the JDK's.
 * Nagle's algorithm is off on the connections ({@link NoDelaySocketFactory}).
 */
public final class MutualTls {
    private static final CipherSuiteOrder CIPHER_SUITE_ORDER = CipherSuiteOrder.forThisJvm();
    private static final char[] IN_MEMORY_PASSWORD = new char[0];
    /**
     * How the key is wrapped inside the in-memory key store that hands it to JSSE: one PBKDF2
     * iteration instead of PKCS#12's default 10,000, which the store ran once to wrap the key and
     * the key manager again to unwrap it (60-120 ms of CPU per command without the optimizing JIT
     * tier). The store never leaves this process, which holds the key unwrapped anyway.
     */
    private static final KeyStore.PasswordProtection IN_MEMORY_PROTECTION = new KeyStore.PasswordProtection(
            IN_MEMORY_PASSWORD, "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(randomSalt(), 1));

    private MutualTls() {}

    /** A client builder from a PKCS#12 file holding the station key and chain. */
    public static OkHttpClient.Builder fromPkcs12(Path pkcs12, char[] password, Path registryCaPem)
            throws IOException {
        Pkcs12Files.KeyEntry entry = Pkcs12Files.read(pkcs12, password);
        return create(entry.privateKey(), entry.chain(), readSingleCertificate(registryCaPem));
    }

    /** A client builder from a PEM private key (encrypted if {@code passphrase} is given) and PEM chain. */
    public static OkHttpClient.Builder fromPem(Path keyPem, char[] passphrase, Path certificateChainPem,
            Path registryCaPem) throws IOException {
        return create(PemFiles.readPrivateKey(keyPem, passphrase), PemFiles.readCertificates(certificateChainPem),
                readSingleCertificate(registryCaPem));
    }

    /**
     * A client builder presenting {@code key} with {@code chain} (leaf first) and trusting only
     * {@code registryCa}. Callers may adjust timeouts; they must not replace the TLS settings.
     */
    public static OkHttpClient.Builder create(PrivateKey key, List<X509Certificate> chain, X509Certificate registryCa) {
        try {
            // JSSE signs with the JDK's providers; keys and certificates made by Bouncy Castle are re-read
            // through the JDK's factories so that the handshake does not depend on a registered BC provider.
            String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
            PrivateKey jdkKey = KeyFactory.getInstance(algorithm).generatePrivate(
                    new PKCS8EncodedKeySpec(key.getEncoded()));
            X509Certificate[] jdkChain = new X509Certificate[chain.size()];
            for (int i = 0; i < jdkChain.length; i++) {
                jdkChain[i] = toJdk(chain.get(i));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setEntry("station", new KeyStore.PrivateKeyEntry(jdkKey, jdkChain), IN_MEMORY_PROTECTION);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, IN_MEMORY_PASSWORD);

            return withContext(keyManagers, trustOnly(registryCa));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up mutual TLS with the station key: " + e.getMessage(), e);
        }
    }

    /**
     * A client builder that trusts only {@code registryCa} and presents no certificate: for
     * enrollment, which is how a station gets its certificate in the first place.
     */
    public static OkHttpClient.Builder serverAuthenticated(X509Certificate registryCa) {
        try {
            return withContext(null, trustOnly(registryCa));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS trusting the registry CA: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustOnly(X509Certificate registryCa) throws GeneralSecurityException,
            IOException {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("registry-ca", toJdk(registryCa));
        Optional<Provider> engine = Providers.tls();
        TrustManagerFactory trustManagers = engine.isPresent() ? TrustManagerFactory.getInstance("PKIX", engine.get())
                : TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(anchors);
        return onlyX509(trustManagers.getTrustManagers());
    }

    private static OkHttpClient.Builder withContext(KeyManagerFactory keyManagers, X509TrustManager trustManager)
            throws GeneralSecurityException {
        Optional<Provider> engine = Providers.tls();
        SSLContext context = engine.isPresent() ? SSLContext.getInstance("TLS", engine.get())
                : SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), new TrustManager[] {trustManager},
                null);
        // AEAD cipher suites only: both ends are ours, so no legacy CBC suites are needed for compatibility. OkHttp
        // offers the spec's suites in the spec's order, whatever the socket's own order.
        ConnectionSpec spec = new ConnectionSpec.Builder(ConnectionSpec.RESTRICTED_TLS)
                .cipherSuites(CIPHER_SUITE_ORDER.apply(ConnectionSpec.RESTRICTED_TLS.cipherSuites())
                        .toArray(CipherSuite[]::new))
                .tlsVersions(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2)
                .build();
        return new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory())
                .sslSocketFactory(context.getSocketFactory(), trustManager)
                .connectionSpecs(List.of(spec))
                .connectTimeout(Duration.ofSeconds(15))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60));
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    private static X509Certificate readSingleCertificate(Path pem) throws IOException {
        List<X509Certificate> certificates = PemFiles.readCertificates(pem);
        if (certificates.size() != 1) {
            throw new IOException(pem + " must hold exactly the registry CA certificate, found "
                    + certificates.size());
        }
        return certificates.get(0);
    }

    private static X509Certificate toJdk(X509Certificate certificate) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }

    private static X509TrustManager onlyX509(TrustManager[] managers) {
        if (managers.length != 1 || !(managers[0] instanceof X509TrustManager manager)) {
            throw new IllegalStateException("expected exactly one X509TrustManager");
        }
        return manager;
    }
}
