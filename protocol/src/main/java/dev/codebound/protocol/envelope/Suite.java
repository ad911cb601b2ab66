package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.StationCredentials;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;

/**
 * An algorithm suite: every algorithm an envelope uses, fixed together under one numeric id that the
 * {@link Binding} carries. Envelopes never negotiate algorithms; a verifier accepts exactly the
 * algorithms of the suite the binding names. A new suite (say SM2/SM3/SM4) is a new subclass added to
 * {@link #ALL}; nothing else changes.
 */
public abstract class Suite {
    /** Suite 1, {@code CB-P256-AES256GCM-SHA256}: the default. */
    public static final Suite P256_AES256GCM_SHA256 = new P256Aes256GcmSuite();

    private static final List<Suite> ALL = List.of(P256_AES256GCM_SHA256);

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

    /** The suite whose recipient and content algorithms these are, if any. */
    static Optional<Suite> forEncryptedLayer(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption) {
        return ALL.stream().filter(suite -> suite.isEncryptedLayer(keyEncryption, contentEncryption)).findFirst();
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

    // ---- sealing ----

    /** A fresh digest of the photo (the binding's photoDigest). */
    abstract MessageDigest photoDigest();

    /** The station's CMS signer, adding {@code signedAttributes} to the standard ones. */
    abstract SignerInfoGenerator signer(StationCredentials station, CMSAttributeTableGenerator signedAttributes);

    /** A key-agreement recipient for the registry's encryption certificate, with a fresh ephemeral key. */
    abstract RecipientInfoGenerator recipient(X509Certificate registryEncryption);

    /** A fresh content encryptor (new content key and nonce). */
    abstract OutputAEADEncryptor contentEncryptor();

    // ---- opening ----

    /** Digest calculators for the SignedData's content digest, computed while the content streams. */
    abstract DigestCalculatorProvider contentDigests();

    /** Whether the encrypted layer's algorithms are exactly this suite's. */
    abstract boolean isEncryptedLayer(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption);

    /** Fails with {@link Reason#UNSUPPORTED_SUITE} unless the signer used exactly this suite's algorithms. */
    abstract void requireSignerAlgorithms(SignerInformation signer) throws EnvelopeException;

    /** Verifies a signature by {@code certificate}'s key. */
    abstract SignerInformationVerifier signatureVerifier(X509Certificate certificate);

    /**
     * Agrees the key-encryption key with the originator's ephemeral key and unwraps the content key.
     *
     * @throws EnvelopeException {@link Reason#DECRYPTION_FAILED} if the key does not unwrap
     */
    abstract SecretKey unwrapContentKey(KeyAgreeRecipientInfo recipientInfo, byte[] encryptedKey,
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
