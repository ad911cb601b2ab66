package dev.codebound.agent.registry;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Checks an enrollment answer before the station stores any of it: TLS already authenticated the
 * registry, but a station certificate the station cannot use (another key, another CA) or a CA
 * switch must be caught now, not at the first upload.
 */
public final class EnrollmentCheck {
    private EnrollmentCheck() {}

    /**
     * Returns the verified trust bundle of {@code enrollment}.
     *
     * @throws PkiException naming the first check that failed
     */
    public static TrustBundle verify(Enrollment enrollment, PublicKey stationKey, X509Certificate pinnedCa,
            Instant now) {
        if (!enrollment.registryCa().equals(pinnedCa)) {
            throw new PkiException("the registry answered with CA " + Certificates.fingerprint(enrollment.registryCa())
                    + ", but this station pinned " + Certificates.fingerprint(pinnedCa) + " at init");
        }
        X509Certificate certificate = enrollment.certificate();
        if (!(certificate.getPublicKey() instanceof ECPublicKey issued) || !(stationKey instanceof ECPublicKey own)
                || !issued.getW().equals(own.getW())) {
            throw new PkiException("the certificate the registry issued is for another key than this station's");
        }
        Certificates.requireIssuedBy(certificate, pinnedCa, now);
        String commonName = Certificates.commonName(certificate);
        if (!commonName.equals(enrollment.stationId())) {
            throw new PkiException("the registry says the station id is " + enrollment.stationId()
                    + " but the certificate names " + commonName);
        }
        return TrustBundleCodec.verify(enrollment.trustBundle(), pinnedCa, "the enrollment's trust bundle");
    }

    /**
     * Returns the verified trust bundle of {@code enrollment}, checking also the SM2 envelope-signing
     * certificate a suite 2 station asked for: present, for {@code sm2Key}, issued by the pinned CA
     * with the same station id, and the registry accepts suite 2.
     *
     * @throws PkiException naming the first check that failed
     */
    public static TrustBundle verify(Enrollment enrollment, PublicKey stationKey, PublicKey sm2Key,
            X509Certificate pinnedCa, Instant now) {
        TrustBundle bundle = verify(enrollment, stationKey, pinnedCa, now);
        X509Certificate sm2 = enrollment.sm2Certificate().orElseThrow(() -> new PkiException(
                "the registry issued no SM2 signing certificate although the station asked for one"));
        if (!(sm2.getPublicKey() instanceof ECPublicKey issued) || !(sm2Key instanceof ECPublicKey own)
                || !issued.getW().equals(own.getW()) || !KeyPairs.isSm2(issued)) {
            throw new PkiException("the SM2 certificate the registry issued is for another key than this station's");
        }
        Certificates.requireIssuedBy(sm2, pinnedCa, now);
        if (!Certificates.commonName(sm2).equals(enrollment.stationId())) {
            throw new PkiException("the registry says the station id is " + enrollment.stationId()
                    + " but the SM2 certificate names " + Certificates.commonName(sm2));
        }
        if (!bundle.acceptsSuite(2)) {
            throw new PkiException("the registry's trust bundle does not list envelope suite 2 (it lists "
                    + bundle.suites().keySet() + ")");
        }
        return bundle;
    }
}
