package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Decides whether the envelope's signer is a capture station the registry vouches for: issued by
 * the bundle's registry CA with the STATION profile and a key of the envelope's suite, not revoked,
 * and valid at the capture time.
 */
final class SignerTrust {
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;

    private SignerTrust() {}

    static void check(X509Certificate signer, TrustBundle bundle, Instant captureTime, Suite suite)
            throws EnvelopeException {
        X509Certificate authority = bundle.registryCa();
        if (!signer.getIssuerX500Principal().equals(authority.getSubjectX500Principal())) {
            throw untrusted("its certificate (" + subject(signer) + ") was not issued by the registry CA");
        }
        if (!Certificates.isSignedBy(signer, authority)) {
            throw untrusted("its certificate (" + subject(signer) + ") does not carry a valid registry CA signature");
        }
        requireStationProfile(signer, suite);
        if (bundle.isStationRevoked(signer)) {
            throw new EnvelopeException(Reason.SIGNER_REVOKED, "the station certificate " + subject(signer)
                    + " (serial " + Certificates.serialHex(signer) + ") has been revoked by the registry; the envelope "
                    + "is refused");
        }
        requireValid(authority, () -> "the registry CA certificate", captureTime);
        requireValid(signer, () -> "the station certificate " + subject(signer), captureTime);
    }

    private static void requireStationProfile(X509Certificate signer, Suite suite)
            throws EnvelopeException {
        boolean[] keyUsage = signer.getKeyUsage();
        boolean signs = keyUsage != null && keyUsage[DIGITAL_SIGNATURE]
                && !(keyUsage.length > KEY_CERT_SIGN && keyUsage[KEY_CERT_SIGN]);
        boolean stationPurposes;
        try {
            List<String> purposes = signer.getExtendedKeyUsage();
            stationPurposes = purposes != null && purposes.contains(KeyPurposeId.id_kp_emailProtection.getId())
                    && purposes.contains(KeyPurposeId.id_kp_clientAuth.getId());
        } catch (CertificateParsingException e) {
            stationPurposes = false;
        }
        if (!signs || !stationPurposes || signer.getBasicConstraints() >= 0) {
            throw untrusted("its certificate (" + subject(signer) + ") is not a station certificate (STATION profile: "
                    + "digitalSignature, emailProtection and clientAuth, not a CA)");
        }
        try {
            suite.requireStationKey(signer.getPublicKey());
        } catch (PkiException e) {
            throw untrusted(e.getMessage());
        }
    }

    private static void requireValid(X509Certificate certificate, Supplier<String> what, Instant at)
            throws EnvelopeException {
        Certificates.Validity validity = Certificates.validity(certificate);
        if (!validity.includes(at)) {
            throw new EnvelopeException(Reason.SIGNER_NOT_VALID_AT_CAPTURE, what + " is valid from "
                    + validity.notBefore() + " to " + validity.notAfter()
                    + ", which does not include the capture time " + at + "; check the station's clock and enrollment");
        }
    }

    /** The certificate's subject for a refusal's message: costly to render, so only when refusing. */
    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private static EnvelopeException untrusted(String detail) {
        return new EnvelopeException(Reason.UNTRUSTED_SIGNER, "the envelope's signer is not a trusted station: "
                + detail);
    }
}
