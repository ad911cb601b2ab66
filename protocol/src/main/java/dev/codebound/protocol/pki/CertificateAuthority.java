package dev.codebound.protocol.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The registry's certificate authority: a P-256 key and its self-signed certificate, issuing the
 * certificates of every other registry role and of enrolled stations. It signs with ECDSA P-256 for
 * every suite: subject keys may be P-256 or SM2 (suite 2's station and registry encryption keys), as
 * an X.509 signature does not depend on the algorithm of the key it certifies.
 */
public final class CertificateAuthority {
    /** Organization name placed in every certificate the registry issues. */
    public static final String ORGANIZATION = "Codebound Registry";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    /** Wraps an existing CA key and its certificate; fails if they do not belong together. */
    public CertificateAuthority(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        if (certificate.getBasicConstraints() < 0) {
            throw new PkiException("certificate " + certificate.getSubjectX500Principal().getName()
                    + " is not a CA certificate (basicConstraints cA is false)");
        }
        Signatures.requireMatchingPair(privateKey, certificate.getPublicKey(), "registry CA");
    }

    /** Creates a new CA with a fresh P-256 key, valid from {@code notBefore} to {@code notAfter}. */
    public static CertificateAuthority create(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keyPair = KeyPairs.generateP256();
        X500Name name = name(commonName);
        X509Certificate certificate = build(keyPair.getPrivate(), name, name, keyPair.getPublic(),
                CertificateProfile.REGISTRY_CA, notBefore, notAfter, List.of(), null);
        return new CertificateAuthority(keyPair.getPrivate(), certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's private key; callers persist it with {@link PemFiles#writePrivateKey}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Issues a certificate for {@code subjectKey}.
     *
     * @param commonName the subject's CN (a station id, or the registry role's name)
     * @param subjectAlternativeNames DNS names or IP literals for TLS server certificates; empty otherwise
     */
    public X509Certificate issue(PublicKey subjectKey, String commonName, CertificateProfile profile,
            Instant notBefore, Instant notAfter, List<String> subjectAlternativeNames) {
        if (profile == CertificateProfile.REGISTRY_CA) {
            throw new PkiException("the registry CA issues no subordinate CA certificates");
        }
        KeyPairs.requireP256OrSm2(subjectKey, commonName);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new PkiException("requested validity ends " + notAfter + ", after the CA certificate expires ("
                    + certificate.getNotAfter().toInstant() + ")");
        }
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        return build(privateKey, issuer, name(commonName), subjectKey, profile, notBefore, notAfter,
                subjectAlternativeNames, certificate.getPublicKey());
    }

    /**
     * Issues a P-256 station certificate from a PKCS#10 request after checking the request's
     * self-signature (proof that the requester holds the private key). The subject is chosen by
     * the registry ({@code stationId}), never taken from the request.
     */
    public X509Certificate issueStation(PKCS10CertificationRequest request, String stationId,
            Instant notBefore, Instant notAfter) {
        return issueStation(request, CompactSignature.ECDSA_P256_SHA256, stationId, notBefore, notAfter);
    }

    /**
     * As {@link #issueStation(PKCS10CertificationRequest, String, Instant, Instant)}, for a request
     * whose key must be on the curve of {@code keyAlgorithm} (SM2 for a suite 2 signing certificate).
     */
    public X509Certificate issueStation(PKCS10CertificationRequest request, CompactSignature keyAlgorithm,
            String stationId, Instant notBefore, Instant notAfter) {
        PublicKey key = CertificationRequests.verifiedPublicKey(request, keyAlgorithm);
        return issue(key, stationId, CertificateProfile.STATION, notBefore, notAfter, List.of());
    }

    private static X509Certificate build(PrivateKey signingKey, X500Name issuer, X500Name subject,
            PublicKey subjectKey, CertificateProfile profile, Instant notBefore, Instant notAfter,
            List<String> subjectAlternativeNames, PublicKey issuerKey) {
        if (!notAfter.isAfter(notBefore)) {
            throw new PkiException("certificate validity must end after it starts: " + notBefore + " .. " + notAfter);
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM)
                    .add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true,
                    profile.isCertificateAuthority() ? new BasicConstraints(0) : new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, profile.keyUsage());
            if (profile.extendedKeyUsage() != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, profile.extendedKeyUsage());
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerKey == null ? subjectKey : issuerKey));
            if (!subjectAlternativeNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(subjectAlternativeNames));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(Providers.ellipticCurve()).build(signingKey);
            return new JcaX509CertificateConverter().setProvider(Providers.ellipticCurve())
                    .getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | CertificateException
                | java.security.NoSuchAlgorithmException e) {
            throw new PkiException("cannot issue certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static GeneralNames alternativeNames(List<String> names) {
        List<GeneralName> result = new ArrayList<>();
        for (String name : names) {
            result.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name));
        }
        return new GeneralNames(result.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String name) {
        if (!name.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            InetAddress.getByName(name);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static X500Name name(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new PkiException("certificate common name must not be empty");
        }
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }
}
