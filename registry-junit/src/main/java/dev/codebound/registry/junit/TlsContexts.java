package dev.codebound.registry.junit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS client contexts that trust only the registry CA and may present a station's certificate. */
final class TlsContexts {
    /** Protects the in-memory key store only; it never reaches a file. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private TlsContexts() {}

    /** Trusts {@code registryCa} alone; presents {@code certificate} with {@code key} when they are not null. */
    static SSLContext create(X509Certificate registryCa, PrivateKey key, X509Certificate certificate)
            throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("registry-ca", jdk(registryCa));
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            if (key != null) {
                // Re-read through the JDK's own factories: the JDK's TLS wants its own key and certificate types.
                PrivateKey jdkKey = KeyFactory.getInstance("EC").generatePrivate(
                        new PKCS8EncodedKeySpec(key.getEncoded()));
                keys.setKeyEntry("station", jdkKey, IN_MEMORY, new Certificate[] {jdk(certificate)});
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build an in-memory key store: " + e.getMessage(), e);
        }
    }

    private static X509Certificate jdk(X509Certificate certificate) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }
}
