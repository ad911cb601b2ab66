package dev.codebound.protocol.envelope;

import dev.codebound.protocol.cache.BoundedCache;
import dev.codebound.protocol.pki.Providers;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientIdentifier;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientInfoGenerator;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.GenericKey;

/**
 * Suite 1's recipient info, exactly what Bouncy Castle's {@code JceKeyAgreeRecipientInfoGenerator}
 * writes for {@code dhSinglePass-stdDH-sha256kdf-scheme} with AES-256 key wrap (RFC 5753: ECDH of the
 * ephemeral key with the registry's key, then {@link EcdhKeyWrap}), with the agreement done where it
 * is cheapest.
 *
 * <p>Where P-256 runs in BoringSSL ({@link Providers#isP256Native()}) the agreement is its ECDH. In
 * Bouncy Castle, the registry's public point is multiplied through a table computed once per registry
 * key: the agreement multiplies the registry's point, which is the same for every envelope, by a
 * fresh secret scalar, and Bouncy Castle's generator decodes that point again for each envelope and
 * runs a generic variable-point multiplication, the largest single cost of sealing a photo there; a
 * fixed-point comb over a table kept for the point (Bouncy Castle's own {@link FixedPointCombMultiplier},
 * the one its key generation and signing use with secret scalars) costs about a third of it. The
 * table depends only on the registry's public key, so it holds nothing secret.
 */
final class RegistryKeyAgreement extends KeyAgreeRecipientInfoGenerator {
    /** Registry encryption keys seen: a handful in a trust bundle's life, bounded all the same. */
    private static final int CAPACITY = 16;
    private static final BoundedCache<EncodedCertificate, Registry> REGISTRIES = new BoundedCache<>(CAPACITY);

    /** The registry's identifier in the recipient info, its key, and its point, whose comb table is kept with it. */
    private record Registry(KeyAgreeRecipientIdentifier id, PublicKey key, ECPoint point) {}

    /** A certificate's exact DER, compared by content. */
    private record EncodedCertificate(byte[] der) {
        @Override
        public boolean equals(Object other) {
            return other instanceof EncodedCertificate certificate && Arrays.equals(der, certificate.der);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(der);
        }

        @Override
        public String toString() {
            return "EncodedCertificate[" + der.length + " bytes]";
        }
    }

    private final Registry registry;
    private final PrivateKey ephemeral;

    private RegistryKeyAgreement(Registry registry, KeyPair ephemeral) {
        super(CMSAlgorithm.ECDH_SHA256KDF, SubjectPublicKeyInfo.getInstance(ephemeral.getPublic().getEncoded()),
                CMSAlgorithm.AES256_WRAP);
        this.registry = registry;
        this.ephemeral = ephemeral.getPrivate();
    }

    /**
     * The recipient info generator for {@code registryEncryption} (a P-256 key, which the suite has
     * checked) with the fresh P-256 key pair {@code ephemeral}.
     */
    static RegistryKeyAgreement to(X509Certificate registryEncryption, KeyPair ephemeral)
            throws CertificateEncodingException {
        EncodedCertificate key = new EncodedCertificate(registryEncryption.getEncoded());
        Registry registry = REGISTRIES.get(key);
        if (registry == null) {
            registry = registry(registryEncryption);
            REGISTRIES.put(key, registry);
        }
        return new RegistryKeyAgreement(registry, ephemeral);
    }

    private static Registry registry(X509Certificate certificate) throws CertificateEncodingException {
        ECPublicKeyParameters key;
        try {
            // Validates the point: on the curve, not infinity, in the prime-order group.
            key = (ECPublicKeyParameters) ECUtil.generatePublicKeyParameter(certificate.getPublicKey());
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("the registry encryption key is not an EC key: " + e.getMessage(), e);
        }
        KeyAgreeRecipientIdentifier id = new KeyAgreeRecipientIdentifier(
                new IssuerAndSerialNumber(new JcaX509CertificateHolder(certificate).toASN1Structure()));
        return new Registry(id, certificate.getPublicKey(), key.getQ().normalize());
    }

    @Override
    public ASN1Sequence generateRecipientEncryptedKeys(AlgorithmIdentifier keyAgreement,
            AlgorithmIdentifier keyEncryption, GenericKey contentKey) throws CMSException {
        byte[] shared = null;
        byte[] content = contentKeyBytes(contentKey);
        try {
            shared = Providers.isP256Native() ? nativeAgreement() : combAgreement();
            byte[] wrapped = EcdhKeyWrap.wrap(shared, keyEncryption, null, content);
            return new DERSequence(new RecipientEncryptedKey(registry.id(), new DEROctetString(wrapped)));
        } catch (IOException e) {
            throw new CMSException("cannot encode the ECC-CMS-SharedInfo: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CMSException("the ECDH agreement with the registry's key failed: " + e.getMessage(), e);
        } finally {
            if (shared != null) {
                Arrays.fill(shared, (byte) 0);
            }
            Arrays.fill(content, (byte) 0);
        }
    }

    /** The shared secret by BoringSSL's ECDH. */
    private byte[] nativeAgreement() throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH", Providers.p256());
        agreement.init(ephemeral);
        agreement.doPhase(registry.key(), true);
        return agreement.generateSecret();
    }

    /** The shared secret by the comb over the registry's point (see the class comment). */
    private byte[] combAgreement() throws CMSException {
        BigInteger secret = ((ECPrivateKey) ephemeral).getS();
        ECPoint agreed = new FixedPointCombMultiplier().multiply(registry.point(), secret).normalize();
        if (agreed.isInfinity()) {
            throw new CMSException("the ECDH agreement with the registry's key gave the point at infinity");
        }
        return agreed.getAffineXCoord().getEncoded();
    }

    /** None: a single-pass ECDH with an ephemeral key needs no user keying material (RFC 5753), as Bouncy Castle writes. */
    @Override
    protected byte[] getUserKeyingMaterial(AlgorithmIdentifier keyAgreement) {
        return null;
    }

    /** A copy of the content key's bytes (the caller wipes it). */
    private static byte[] contentKeyBytes(GenericKey contentKey) throws CMSException {
        Object representation = contentKey.getRepresentation();
        if (representation instanceof Key key && key.getEncoded() != null) {
            return key.getEncoded();
        }
        if (representation instanceof byte[] bytes) {
            return bytes.clone();
        }
        throw new CMSException("the content key is not available as bytes to wrap");
    }
}
