package dev.codebound.protocol.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A capture station's signing identity: its private key and the certificate the registry issued
 * for it. The station id is the certificate's common name.
 */
public final class StationCredentials {
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    /** The certificate's CN once parsed: every sealed photo asks for it, and the certificate cannot change. */
    private volatile String stationId;

    /** Fails if the key does not match the certificate or the key is neither P-256 (suite 1) nor SM2 (suite 2). */
    public StationCredentials(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        KeyPairs.requireP256OrSm2(certificate.getPublicKey(), "station");
        Signatures.requireMatchingPair(privateKey, certificate.getPublicKey(), "station");
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The station id the registry assigned (the certificate's CN). */
    public String stationId() {
        String id = stationId;
        if (id == null) {
            id = Certificates.commonName(certificate);
            stationId = id;
        }
        return id;
    }

    @Override
    public String toString() {
        return "StationCredentials[" + stationId() + ", serial " + Certificates.serialHex(certificate) + "]";
    }
}
