package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorPublicKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.SignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Suite 1, {@code CB-P256-AES256GCM-SHA256}: ECDSA P-256 with SHA-256 signatures; ECDH P-256
 * key agreement ({@code dhSinglePass-stdDH-sha256kdf-scheme}, X9.63 KDF with SHA-256) wrapping the
 * content key with AES-256 key wrap; AES-256-GCM content encryption with a 12-byte nonce and 16-byte
 * tag; SHA-256 photo and content digests. This is the combination OpenSSL 3.0 {@code cms} reads.
 *
 * <p>Providers are chosen per primitive (see {@link Providers}): the JDK for the bulk AES-GCM
 * encryption and SHA-256, {@link Providers#p256()} for ECDSA and ECDH. Decryption uses
 * {@link StreamingGcmDecryptor} because the JDK's GCM decryption buffers the whole plaintext in memory.
 */
final class P256Aes256GcmSuite extends Suite {
    private static final int NONCE_LENGTH = StreamingGcmDecryptor.NONCE_LENGTH;
    private static final int TAG_LENGTH = StreamingGcmDecryptor.TAG_LENGTH;
    /** Inner content up to this length is encrypted by {@link Providers#bulkCipher()}, which holds it whole until the tag. */
    private static final long IN_MEMORY_CONTENT = 4L << 20;
    private static final ASN1ObjectIdentifier ECDSA_SHA256 = X9ObjectIdentifiers.ecdsa_with_SHA256;
    private static final ASN1ObjectIdentifier SHA256 = NISTObjectIdentifiers.id_sha256;
    private static final ASN1ObjectIdentifier ECDH_SHA256_KDF = SECObjectIdentifiers.dhSinglePass_stdDH_sha256kdf_scheme;
    // Immutable once built, and costly to build per envelope (JcaSimpleSignerInfoVerifierBuilder does).
    private static final CMSSignatureAlgorithmNameGenerator SIGNATURE_NAMES = new DefaultCMSSignatureAlgorithmNameGenerator();
    private static final SignatureAlgorithmIdentifierFinder SIGNATURE_ALGORITHMS =
            new DefaultSignatureAlgorithmIdentifierFinder();
    // The keys' names in the checks' messages, built once: the registry checks every envelope's signer key.
    private final String stationKeyRole = "suite " + this + " station";
    private final String recipientKeyRole = "suite " + this + " registry encryption";

    @Override
    public int id() {
        return 1;
    }

    @Override
    public String name() {
        return "CB-P256-AES256GCM-SHA256";
    }

    @Override
    void requireStationKey(PublicKey key) {
        KeyPairs.requireP256(key, stationKeyRole);
    }

    @Override
    void requireRecipientKey(PublicKey key) {
        KeyPairs.requireP256(key, recipientKeyRole);
    }

    @Override
    Digest codeProofDigest() {
        return new SHA256Digest();
    }

    @Override
    MessageDigest photoDigest() {
        return Providers.bulkSha256();
    }

    @Override
    SignerInfoGenerator signer(StationCredentials station, CMSAttributeTableGenerator signedAttributes) {
        try {
            var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(Providers.forCurveOf(station.privateKey())).build(station.privateKey());
            return new JcaSignerInfoGeneratorBuilder(contentDigests())
                    .setSignedAttributeGenerator(signedAttributes)
                    .build(contentSigner, station.certificate());
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot set up the station signer: " + e.getMessage(), e);
        }
    }

    @Override
    RecipientInfoGenerator recipient(X509Certificate registryEncryption) {
        try {
            return RegistryKeyAgreement.to(registryEncryption, KeyPairs.generateP256ForAgreement());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the registry encryption certificate", e);
        }
    }

    @Override
    OutputAEADEncryptor contentEncryptor(long plaintextLength) {
        // A photo is encrypted in memory, a larger content (up to the format's 1 GiB) as it streams.
        boolean inMemory = plaintextLength >= 0 && plaintextLength <= IN_MEMORY_CONTENT;
        try {
            return (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                    .setProvider(inMemory ? Providers.bulkCipher() : Providers.streamingCipher()).build();
        } catch (CMSException e) {
            throw new IllegalStateException("cannot set up AES-256-GCM: " + e.getMessage(), e);
        }
    }

    @Override
    DigestCalculatorProvider contentDigests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bulkDigest()).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot set up SHA-256: " + e.getMessage(), e);
        }
    }

    @Override
    boolean isEncryptedLayer(RecipientInfo recipient, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption) {
        return recipient.getInfo() instanceof KeyAgreeRecipientInfo
                && keyEncryption.getAlgorithm().equals(ECDH_SHA256_KDF)
                && isAes256Wrap(keyEncryption.getParameters())
                && contentEncryption.getAlgorithm().equals(NISTObjectIdentifiers.id_aes256_GCM)
                && isGcmParameters(contentEncryption);
    }

    private static boolean isAes256Wrap(Object parameters) {
        try {
            AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(parameters);
            return wrap.getAlgorithm().equals(NISTObjectIdentifiers.id_aes256_wrap)
                    && (wrap.getParameters() == null || DERNull.INSTANCE.equals(wrap.getParameters()));
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static boolean isGcmParameters(AlgorithmIdentifier contentEncryption) {
        try {
            GCMParameters parameters = GCMParameters.getInstance(contentEncryption.getParameters());
            return parameters.getNonce().length == NONCE_LENGTH && parameters.getIcvLen() == TAG_LENGTH;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    @Override
    void requireSignerAlgorithms(SignerInformation signer) throws EnvelopeException {
        if (!signer.getDigestAlgOID().equals(SHA256.getId())
                || !signer.getEncryptionAlgOID().equals(ECDSA_SHA256.getId())) {
            throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "suite " + this + " requires an ECDSA-with-SHA256"
                    + " signature over a SHA-256 digest, but the signer used digest " + signer.getDigestAlgOID()
                    + " and signature " + signer.getEncryptionAlgOID());
        }
    }

    @Override
    SignerInformationVerifier signatureVerifier(X509Certificate certificate) {
        // From the bare key: given the certificate, Bouncy Castle would also demand that it be
        // valid at the signingTime attribute (the sealing clock). Validity is judged at the
        // capture time instead, by SignerTrust, with its own reason.
        return new SignerInformationVerifier(SIGNATURE_NAMES, SIGNATURE_ALGORITHMS,
                SingleVerificationProvider.of(ECDSA_SHA256, "SHA256withECDSA", certificate.getPublicKey(),
                        Providers.forCurveOf(certificate.getPublicKey())), contentDigests());
    }

    @Override
    SecretKey unwrapContentKey(RecipientInfo recipient, byte[] encryptedKey,
            AlgorithmIdentifier contentEncryption, PrivateKey privateKey, X509Certificate certificate)
            throws EnvelopeException {
        KeyAgreeRecipientInfo recipientInfo = (KeyAgreeRecipientInfo) recipient.getInfo();
        OriginatorPublicKey originator = recipientInfo.getOriginator().getOriginatorKey();
        if (originator == null) {
            throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "suite " + this + " requires an ephemeral "
                    + "originator public key in the key agreement, but the envelope names a static originator");
        }
        AlgorithmIdentifier algorithm = originator.getAlgorithm();
        if (algorithm.getParameters() == null) {
            // RFC 5753 allows the curve to be omitted here: it is then the recipient key's curve.
            algorithm = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm();
        }
        SubjectPublicKeyInfo senderKey = new SubjectPublicKeyInfo(algorithm, originator.getPublicKeyData().getBytes());
        byte[] sharedSecret = null;
        byte[] contentKey = null;
        try {
            // The ephemeral point is validated as it is decoded: on the curve, not the point at infinity.
            Provider provider = Providers.forCurveOf(privateKey);
            PublicKey ephemeral = KeyFactory.getInstance("EC", provider)
                    .generatePublic(new X509EncodedKeySpec(senderKey.getEncoded(ASN1Encoding.DER)));
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH", provider);
            agreement.init(privateKey);
            agreement.doPhase(ephemeral, true);
            sharedSecret = agreement.generateSecret();
            ASN1OctetString userKeyingMaterial = recipientInfo.getUserKeyingMaterial();
            contentKey = EcdhKeyWrap.unwrap(sharedSecret,
                    AlgorithmIdentifier.getInstance(recipientInfo.getKeyEncryptionAlgorithm().getParameters()),
                    userKeyingMaterial == null ? null : userKeyingMaterial.getOctets(), encryptedKey);
            return new SecretKeySpec(contentKey, "AES");
        } catch (GeneralSecurityException | IOException | InvalidCipherTextException | RuntimeException e) {
            throw new EnvelopeException(Reason.DECRYPTION_FAILED, "the content key does not unwrap with the registry "
                    + "encryption key: the key agreement or the wrapped key was altered");
        } finally {
            wipe(sharedSecret);
            wipe(contentKey);
        }
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    ContentDecryptor contentDecryptor(SecretKey contentKey, AlgorithmIdentifier contentEncryption)
            throws GeneralSecurityException {
        return new StreamingGcmDecryptor(contentKey.getEncoded(),
                GCMParameters.getInstance(contentEncryption.getParameters()).getNonce());
    }
}
