package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.StationCredentials;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;

/**
 * An algorithm suite: every algorithm an envelope uses, fixed together under one numeric id that the
 * {@link Binding} carries. Envelopes never negotiate algorithms; a verifier accepts exactly the
 * algorithms of the suite the binding names. Each suite is a subclass listed in {@link #ALL}: suite 1
 * (P-256, AES-256-GCM, SHA-256) and suite 2 (SM2, SM4-GCM, SM3).
 */
public abstract class Suite {
    /** Suite 1, {@code CB-P256-AES256GCM-SHA256}: the default. */
    public static final Suite P256_AES256GCM_SHA256 = new P256Aes256GcmSuite();

    /** Suite 2, {@code CB-SM2-SM4GCM-SM3}: SM2 signatures and key transport, SM4-GCM, SM3. */
    public static final Suite SM2_SM4GCM_SM3 = new Sm2Sm4GcmSuite();

    private static final List<Suite> ALL = List.of(P256_AES256GCM_SHA256, SM2_SM4GCM_SM3);

    Suite() {}

    /** The numeric id carried in the binding. */
    public abstract int id();

    /** The stable name, e.g. {@code CB-P256-AES256GCM-SHA256}. */
    public abstract String name();

    /**
     * The suite with this id.
     *
     * @throws EnvelopeException {@link Reason#UNSUPPORTED_SUITE} if this software knows no such suite
     */
    public static Suite byId(int id) throws EnvelopeException {
        for (Suite suite : ALL) {
            if (suite.id() == id) {
                return suite;
            }
        }
        throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "the envelope uses algorithm suite " + id
                + ", which this software does not support (supported: " + names() + "); upgrade the verifier");
    }

    /** The suite whose recipient kind and algorithms and content algorithm these are, if any. */
    static Optional<Suite> forEncryptedLayer(RecipientInfo recipient, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption) {
        return ALL.stream().filter(suite -> suite.isEncryptedLayer(recipient, keyEncryption, contentEncryption))
                .findFirst();
    }

    /** Content digests of every suite, for parsing a SignedData before its suite is known. */
    static DigestCalculatorProvider contentDigestsOfAllSuites() {
        return algorithm -> {
            for (Suite suite : ALL) {
                try {
                    return suite.contentDigests().get(algorithm);
                } catch (OperatorCreationException e) {
                    // not this suite's digest; try the next
                }
            }
            throw new OperatorCreationException("no supported suite uses digest " + algorithm.getAlgorithm());
        };
    }

    static String names() {
        return String.join(", ", ALL.stream().map(suite -> suite.id() + " " + suite.name()).toList());
    }

    /**
     * Fails unless a station signing key fits this suite.
     *
     * @throws dev.codebound.protocol.pki.PkiException naming the key's algorithm and the one required
     */
    abstract void requireStationKey(PublicKey key);

    /**
     * Fails unless a registry encryption key fits this suite.
     *
     * @throws dev.codebound.protocol.pki.PkiException naming the key's algorithm and the one required
     */
    abstract void requireRecipientKey(PublicKey key);

    // ---- sealing ----

    /** A fresh digest of the photo (the binding's photoDigest). */
    abstract MessageDigest photoDigest();

    /**
     * The photo digest a binding of this suite records for {@code photo} (SHA-256 or SM3), in
     * lower-case hex like {@link Binding#photoDigestHex()}: what the station's transfer log records
     * for each capture, so that a photo can be recognised as one already sealed.
     */
    public String photoDigestHex(byte[] photo) {
        return HexFormat.of().formatHex(photoDigest().digest(photo));
    }

    /**
     * A fresh instance of the suite's digest (SHA-256 or SM3) for the format 2 code proof: it derives
     * the code key and is the hash of its HMAC ({@link CodeProof}).
     */
    abstract Digest codeProofDigest();

    /** The station's CMS signer, adding {@code signedAttributes} to the standard ones. */
    abstract SignerInfoGenerator signer(StationCredentials station, CMSAttributeTableGenerator signedAttributes);

    /** The recipient info for the registry's encryption certificate (fresh ephemeral values each time). */
    abstract RecipientInfoGenerator recipient(X509Certificate registryEncryption);

    /**
     * A fresh content encryptor (new content key and nonce) for {@code plaintextLength} bytes of inner
     * content, or for content of unknown length if it is negative.
     */
    abstract OutputAEADEncryptor contentEncryptor(long plaintextLength);

    // ---- opening ----

    /** Digest calculators for the SignedData's content digest, computed while the content streams. */
    abstract DigestCalculatorProvider contentDigests();

    /** Whether the recipient info's kind and algorithm and the content algorithm are exactly this suite's. */
    abstract boolean isEncryptedLayer(RecipientInfo recipient, AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption);

    /** Fails with {@link Reason#UNSUPPORTED_SUITE} unless the signer used exactly this suite's algorithms. */
    abstract void requireSignerAlgorithms(SignerInformation signer) throws EnvelopeException;

    /** Verifies a signature by {@code certificate}'s key. */
    abstract SignerInformationVerifier signatureVerifier(X509Certificate certificate);

    /**
     * Recovers the content key from the recipient info addressed to {@code certificate} (which
     * {@link #isEncryptedLayer} accepted): key agreement and unwrap, or key transport.
     *
     * @throws EnvelopeException {@link Reason#DECRYPTION_FAILED} if the key does not unwrap
     */
    abstract SecretKey unwrapContentKey(RecipientInfo recipientInfo, byte[] encryptedKey,
            AlgorithmIdentifier contentEncryption, PrivateKey privateKey, X509Certificate certificate)
            throws EnvelopeException;

    /** A streaming decryptor for the content; see {@link ContentDecryptor} for what it releases when. */
    abstract ContentDecryptor contentDecryptor(SecretKey contentKey, AlgorithmIdentifier contentEncryption)
            throws GeneralSecurityException;

    @Override
    public String toString() {
        return id() + " " + name();
    }
}
