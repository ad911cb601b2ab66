package dev.codebound.protocol.envelope;

import java.util.Arrays;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;

/**
 * The fields of a suite 2 envelope that an independent implementation needs to check it by hand:
 * what the station signed and its signature, the SM2-encrypted content key, and the SM4-GCM nonce,
 * ciphertext and tag.
 *
 * @param signedAttributes the DER SET OF signed attributes, the bytes the SM2 signature covers
 * @param signature        the DER SM2 signature
 * @param encryptedKey     the DER {@code SM2Cipher} holding the SM4 content key
 * @param nonce            the 12-byte GCM nonce
 * @param ciphertext       the SM4-GCM ciphertext
 * @param tag              the 16-byte GCM tag
 */
record EnvelopeParts(byte[] signedAttributes, byte[] signature, byte[] encryptedKey, byte[] nonce,
        byte[] ciphertext, byte[] tag) {

    static EnvelopeParts of(byte[] envelope) throws Exception {
        CMSSignedData signed = new CMSSignedData(envelope);
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        AuthEnvelopedData data = AuthEnvelopedData.getInstance(
                ContentInfo.getInstance(signed.getSignedContent().getContent()).getContent());
        KeyTransRecipientInfo recipient = (KeyTransRecipientInfo) RecipientInfo.getInstance(
                data.getRecipientInfos().getObjectAt(0)).getInfo();
        EncryptedContentInfo content = data.getAuthEncryptedContentInfo();
        return new EnvelopeParts(signer.getEncodedSignedAttributes(), signer.getSignature(),
                recipient.getEncryptedKey().getOctets(),
                GCMParameters.getInstance(content.getContentEncryptionAlgorithm().getParameters()).getNonce(),
                content.getEncryptedContent().getOctets(), data.getMac().getOctets());
    }

    /** The SM4-CTR initial counter block GCM uses for the content: {@code nonce || 00000002}. */
    byte[] firstContentCounterBlock() {
        byte[] block = Arrays.copyOf(nonce, 16);
        block[15] = 2;
        return block;
    }
}
