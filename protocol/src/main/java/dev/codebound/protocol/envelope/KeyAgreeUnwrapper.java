package dev.codebound.protocol.envelope;

import dev.codebound.protocol.pki.Providers;
import java.security.PrivateKey;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientOperator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipient;

/**
 * Bouncy Castle's CMS key agreement (ECDH, KDF, key unwrap), used only to recover the content key.
 * The content itself is decrypted by our own streaming code, which keeps unverified plaintext
 * private; Bouncy Castle's recipient operators would hand it to the caller before the tag is checked.
 */
final class KeyAgreeUnwrapper extends JceKeyAgreeRecipient {
    KeyAgreeUnwrapper(PrivateKey recipientKey) {
        super(recipientKey);
        setProvider(Providers.ellipticCurve());
    }

    SecretKey unwrap(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
            SubjectPublicKeyInfo senderKey, ASN1OctetString userKeyingMaterial, byte[] encryptedKey)
            throws CMSException {
        return (SecretKey) extractSecretKey(keyEncryption, contentEncryption, senderKey, userKeyingMaterial,
                encryptedKey);
    }

    /** Not used: content decryption never goes through Bouncy Castle's recipient operators. */
    @Override
    public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryption,
            AlgorithmIdentifier contentEncryption, SubjectPublicKeyInfo senderPublicKey,
            ASN1OctetString userKeyingMaterial, byte[] encryptedContentKey) {
        throw new UnsupportedOperationException("KeyAgreeUnwrapper only unwraps content keys");
    }
}
