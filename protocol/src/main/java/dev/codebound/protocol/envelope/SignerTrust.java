package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.TrustBundle;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
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
        String subject = signer.getSubjectX500Principal().getName();
        X509Certificate authority = bundle.registryCa();
        if (!signer.getIssuerX500Principal().equals(authority.getSubjectX500Principal())) {
            throw untrusted("its certificate (" + subject + ") was not issued by the registry CA");
        }
        try {
            signer.verify(authority.getPublicKey(), Providers.ellipticCurve());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw untrusted("its certificate (" + subject + ") does not carry a valid registry CA signature");
        }
        requireStationProfile(signer, subject, suite);
        if (bundle.isStationRevoked(signer)) {
            throw new EnvelopeException(Reason.SIGNER_REVOKED, "the station certificate " + subject + " (serial "
                    + Certificates.serialHex(signer) + ") has been revoked by the registry; the envelope is refused");
        }
        requireValid(authority, "the registry CA certificate", captureTime);
        requireValid(signer, "the station certificate " + subject, captureTime);
    }

    private static void requireStationProfile(X509Certificate signer, String subject, Suite suite)
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
            throw untrusted("its certificate (" + subject + ") is not a station certificate (STATION profile: "
                    + "digitalSignature, emailProtection and clientAuth, not a CA)");
        }
        try {
            suite.requireStationKey(signer.getPublicKey());
        } catch (PkiException e) {
            throw untrusted(e.getMessage());
        }
    }

    private static void requireValid(X509Certificate certificate, String what, Instant at) throws EnvelopeException {
        if (at.isBefore(certificate.getNotBefore().toInstant()) || at.isAfter(certificate.getNotAfter().toInstant())) {
            throw new EnvelopeException(Reason.SIGNER_NOT_VALID_AT_CAPTURE, what + " is valid from "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant()
                    + ", which does not include the capture time " + at + "; check the station's clock and enrollment");
        }
    }

    private static EnvelopeException untrusted(String detail) {
        return new EnvelopeException(Reason.UNTRUSTED_SIGNER, "the envelope's signer is not a trusted station: "
                + detail);
    }
}
