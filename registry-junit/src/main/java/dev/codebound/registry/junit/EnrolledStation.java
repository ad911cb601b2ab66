package dev.codebound.registry.junit;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;

/**
 * A capture station enrolled with the registry under test through its real enrollment route: its
 * own P-256 key and the certificate the registry CA issued for it.
 */
public final class EnrolledStation {
    private final String stationId;
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final X509Certificate registryCa;

    EnrolledStation(String stationId, PrivateKey privateKey, X509Certificate certificate,
            X509Certificate registryCa) {
        this.stationId = stationId;
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.registryCa = registryCa;
    }

    /** The station id the registry assigned (the certificate's CN). */
    public String stationId() {
        return stationId;
    }

    /** The station's private key (P-256); it exists only in this test's memory. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The station certificate issued by the registry CA. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A TLS 1.3 client context that trusts only the registry CA and presents this station's
     * certificate: give it to {@code java.net.http.HttpClient}, OkHttp or a tus client (through its
     * socket factory) to call station routes over mutual TLS.
     */
    public SSLContext sslContext() throws GeneralSecurityException {
        return TlsContexts.create(registryCa, privateKey, certificate);
    }

    /** Never the key: tests print stations in assertion messages. */
    @Override
    public String toString() {
        return "EnrolledStation[" + stationId + "]";
    }
}
