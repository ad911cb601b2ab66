package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.StationCredentials;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.KeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.operator.AsymmetricKeyWrapper;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Suite 2, {@code CB-SM2-SM4GCM-SM3}: China's commercial algorithms. SM2 signatures with SM3
 * ({@code sm2sign-with-sm3}) by the station, whose signer ID is GM/T 0009's default
 * {@value #SIGNER_ID}; the content key SM2-encrypted to the registry's SM2 encryption certificate
 * in a KeyTransRecipientInfo ({@code sm2encrypt}, GM/T 0009 {@code SM2Cipher} encoding, as
 * GM/T 0010 does); SM4-GCM content encryption (12-byte nonce, 16-byte tag); SM3 photo and content
 * digests. {@code docs/protocol.md §4} says why, and where GM/T 0010 does not fit.
 *
 * <p>Bouncy Castle provides every primitive (the JDK has none of them); its CMS layer signs and
 * verifies SM2 but has no SM2 key transport or SM4-GCM, which {@link Sm2KeyTransport},
 * {@link Sm4GcmEncryptor} and {@link Sm4GcmDecryptor} supply.
 */
final class Sm2Sm4GcmSuite extends Suite {
    /**
     * The SM2 signer ID (distinguishing identifier) hashed into every signature: GM/T 0009-2012's
     * default, the ASCII digits "1234567812345678", which Bouncy Castle's SM3withSM2 uses when no
     * other ID is given and OpenSSL needs as {@code -pkeyopt distid:1234567812345678}.
     */
    static final String SIGNER_ID = KeyPairs.SM2_SIGNER_ID;

    private static final ASN1ObjectIdentifier SM2_WITH_SM3 = GMObjectIdentifiers.sm2sign_with_sm3;
    private static final ASN1ObjectIdentifier SM3 = GMObjectIdentifiers.sm3;
    private static final ASN1ObjectIdentifier SM2_ENCRYPT = GMObjectIdentifiers.sm2encrypt;
    private static final ASN1ObjectIdentifier SM4_GCM = GMObjectIdentifiers.sms4_gcm;
    // The keys' names in the checks' messages, built once: the registry checks every envelope's signer key.
    private final String stationKeyRole = "suite " + this + " station";
    private final String recipientKeyRole = "suite " + this + " registry encryption";

    @Override
    public int id() {
        return 2;
    }

    @Override
    public String name() {
        return "CB-SM2-SM4GCM-SM3";
    }

    @Override
    void requireStationKey(PublicKey key) {
        KeyPairs.requireSm2(key, stationKeyRole);
    }

    @Override
    void requireRecipientKey(PublicKey key) {
        KeyPairs.requireSm2(key, recipientKeyRole);
    }

    @Override
    Digest codeProofDigest() {
        return new SM3Digest();
    }

    @Override
    MessageDigest photoDigest() {
        try {
            return MessageDigest.getInstance("SM3", Providers.ellipticCurve());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle's SM3 is unavailable", e);
        }
    }

    @Override
    SignerInfoGenerator signer(StationCredentials station, CMSAttributeTableGenerator signedAttributes) {
        try {
            var contentSigner = new JcaContentSignerBuilder("SM3withSM2")
                    .setProvider(Providers.ellipticCurve()).build(station.privateKey());
            return new JcaSignerInfoGeneratorBuilder(contentDigests())
                    .setSignedAttributeGenerator(signedAttributes)
                    .build(contentSigner, station.certificate());
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot set up the station's SM2 signer: " + e.getMessage(), e);
        }
    }

    @Override
    RecipientInfoGenerator recipient(X509Certificate registryEncryption) {
        try {
            IssuerAndSerialNumber recipientId = new IssuerAndSerialNumber(
                    new JcaX509CertificateHolder(registryEncryption).toASN1Structure());
            return new Sm2RecipientInfoGenerator(recipientId, new Sm2KeyWrapper(registryEncryption.getPublicKey()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the registry encryption certificate", e);
        }
    }

    @Override
    OutputAEADEncryptor contentEncryptor(long plaintextLength) {
        return new Sm4GcmEncryptor();
    }

    @Override
    DigestCalculatorProvider contentDigests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().setProvider(Providers.ellipticCurve()).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot set up SM3: " + e.getMessage(), e);
        }
    }

    @Override
    boolean isEncryptedLayer(RecipientInfo recipient, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption) {
        return recipient.getInfo() instanceof KeyTransRecipientInfo
                && keyEncryption.getAlgorithm().equals(SM2_ENCRYPT)
                && (keyEncryption.getParameters() == null || DERNull.INSTANCE.equals(keyEncryption.getParameters()))
                && contentEncryption.getAlgorithm().equals(SM4_GCM)
                && isGcmParameters(contentEncryption);
    }

    private static boolean isGcmParameters(AlgorithmIdentifier contentEncryption) {
        try {
            GCMParameters parameters = GCMParameters.getInstance(contentEncryption.getParameters());
            return parameters.getNonce().length == Sm4GcmDecryptor.NONCE_LENGTH
                    && parameters.getIcvLen() == Sm4GcmDecryptor.TAG_LENGTH;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    @Override
    void requireSignerAlgorithms(SignerInformation signer) throws EnvelopeException {
        if (!signer.getDigestAlgOID().equals(SM3.getId()) || !signer.getEncryptionAlgOID().equals(SM2_WITH_SM3.getId())) {
            throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "suite " + this + " requires an SM2-with-SM3"
                    + " signature over an SM3 digest, but the signer used digest " + signer.getDigestAlgOID()
                    + " and signature " + signer.getEncryptionAlgOID());
        }
    }

    @Override
    SignerInformationVerifier signatureVerifier(X509Certificate certificate) {
        try {
            // From the bare key, as in suite 1: validity is judged at the capture time by SignerTrust.
            return new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.ellipticCurve())
                    .build(certificate.getPublicKey());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot set up SM2 verification: " + e.getMessage(), e);
        }
    }

    @Override
    SecretKey unwrapContentKey(RecipientInfo recipientInfo, byte[] encryptedKey,
            AlgorithmIdentifier contentEncryption, PrivateKey privateKey, X509Certificate certificate)
            throws EnvelopeException {
        byte[] key;
        try {
            key = Sm2KeyTransport.decrypt(privateKey, encryptedKey);
        } catch (InvalidCipherTextException e) {
            throw new EnvelopeException(Reason.DECRYPTION_FAILED, "the content key does not decrypt with the registry "
                    + "SM2 encryption key: the encrypted key was altered");
        }
        if (key.length != Sm4GcmEncryptor.KEY_LENGTH) {
            throw new EnvelopeException(Reason.DECRYPTION_FAILED, "the SM2-encrypted content key is " + key.length
                    + " bytes, not the " + Sm4GcmEncryptor.KEY_LENGTH + " bytes of an SM4 key");
        }
        return new SecretKeySpec(key, "SM4");
    }

    @Override
    ContentDecryptor contentDecryptor(SecretKey contentKey, AlgorithmIdentifier contentEncryption)
            throws GeneralSecurityException {
        return new Sm4GcmDecryptor(contentKey.getEncoded(),
                GCMParameters.getInstance(contentEncryption.getParameters()).getNonce());
    }

    /** SM2-encrypts the content key to the registry's encryption key ({@code sm2encrypt}, no parameters). */
    private static final class Sm2KeyWrapper extends AsymmetricKeyWrapper {
        private final PublicKey recipient;

        Sm2KeyWrapper(PublicKey recipient) {
            super(new AlgorithmIdentifier(SM2_ENCRYPT));
            this.recipient = recipient;
        }

        @Override
        public byte[] generateWrappedKey(GenericKey contentKey) {
            return Sm2KeyTransport.encrypt(recipient, (byte[]) contentKey.getRepresentation());
        }
    }

    /** Bouncy Castle's key-transport RecipientInfo generator, for a wrapper its JCE classes do not offer. */
    private static final class Sm2RecipientInfoGenerator extends KeyTransRecipientInfoGenerator {
        Sm2RecipientInfoGenerator(IssuerAndSerialNumber recipientId, AsymmetricKeyWrapper wrapper) {
            super(recipientId, wrapper);
        }
    }
}
