package dev.codebound.protocol.pki;

import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Checks on registry-issued certificates. */
public final class Certificates {
    private Certificates() {}

    /**
     * Fails unless {@code certificate} was signed by {@code authority}, names it as issuer, and both
     * are valid at {@code at}. Registry chains are one level deep (CA, then leaf), so this is the
     * whole path validation.
     */
    public static void requireIssuedBy(X509Certificate certificate, X509Certificate authority, Instant at) {
        String subject = certificate.getSubjectX500Principal().getName();
        if (!certificate.getIssuerX500Principal().equals(authority.getSubjectX500Principal())) {
            throw new PkiException("certificate " + subject + " was issued by "
                    + certificate.getIssuerX500Principal().getName() + ", not by the registry CA "
                    + authority.getSubjectX500Principal().getName());
        }
        if (!isSignedBy(certificate, authority)) {
            throw new PkiException("certificate " + subject + " does not carry a valid registry CA signature");
        }
        requireValidAt(authority, at);
        requireValidAt(certificate, at);
    }

    /**
     * Whether {@code certificate} carries a valid signature made with {@code authority}'s key (the
     * signature only: not the names, the validity period or revocation). A pair that verified once is
     * remembered by its exact encodings, so a certificate seen again costs no public-key operation.
     */
    public static boolean isSignedBy(X509Certificate certificate, X509Certificate authority) {
        return CertificateSignatureCache.isSignedBy(certificate, authority);
    }

    /** Fails unless {@code certificate} is within its validity period at {@code at}. */
    public static void requireValidAt(X509Certificate certificate, Instant at) {
        Validity validity = validity(certificate);
        if (!validity.includes(at)) {
            throw new PkiException("certificate " + certificate.getSubjectX500Principal().getName()
                    + " is valid from " + validity.notBefore() + " to " + validity.notAfter() + ", not at " + at);
        }
    }

    /**
     * A certificate's validity period.
     *
     * @param notBefore the first instant it is valid
     * @param notAfter  the last instant it is valid
     */
    public record Validity(Instant notBefore, Instant notAfter) {
        /** Whether {@code at} lies within the period, both ends included. */
        public boolean includes(Instant at) {
            return !at.isBefore(notBefore) && !at.isAfter(notAfter);
        }
    }

    /**
     * The certificate's validity period, the same as {@code getNotBefore()} and {@code getNotAfter()}
     * give, read once per certificate encoding: those methods parse the dates on every call.
     */
    public static Validity validity(X509Certificate certificate) {
        return CertificateValidityCache.validity(certificate);
    }

    /** Whether the certificate lists the extended key usage {@code oid}. */
    public static boolean hasExtendedKeyUsage(X509Certificate certificate, String oid) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages != null && usages.contains(oid);
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /** The certificate's common name (for station certificates: the station id). */
    public static String commonName(X509Certificate certificate) {
        var name = org.bouncycastle.asn1.x500.X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        var rdns = name.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        if (rdns.length == 0) {
            throw new PkiException("certificate " + certificate.getSubjectX500Principal().getName() + " has no CN");
        }
        return org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    /** SHA-256 over the certificate's DER, lower-case hex: how logs and bundles name certificates. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new PkiException("cannot encode certificate", e);
        }
    }

    /**
     * The {@link #fingerprint} for people to compare by eye: upper-case hex pairs joined by colons,
     * as {@code openssl x509 -noout -fingerprint -sha256} prints it.
     */
    public static String displayFingerprint(X509Certificate certificate) {
        String hex = fingerprint(certificate).toUpperCase(java.util.Locale.ROOT);
        StringBuilder text = new StringBuilder(hex.length() * 3 / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            text.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return text.toString();
    }

    /** The serial number in lower-case hex, as revocation lists name station certificates. */
    public static String serialHex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }
}
