package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetStringParser;
import org.bouncycastle.asn1.ASN1SequenceParser;
import org.bouncycastle.asn1.ASN1SetParser;
import org.bouncycastle.asn1.ASN1StreamParser;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.cms.AuthEnvelopedDataParser;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfoParser;
import org.bouncycastle.asn1.cms.EncryptedContentInfoParser;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Reads the encrypted layer (a ContentInfo holding an AuthEnvelopedData) from the signed content
 * stream: finds the recipient entry for one of our keys (key agreement in suite 1, key transport in
 * suite 2), recovers the content key, decrypts the content in chunks into a {@link PlaintextBuffer}
 * and checks the GCM tag. The plaintext stays in
 * the buffer; the caller releases it only after every other check.
 */
final class EncryptedLayerReader {
    private static final int MAX_RECIPIENT_INFOS = 16;

    /** What the encrypted layer held, once its tag has verified. */
    record Result(Suite suite, byte[] bindingDer, byte[] photoDigest, long photoLength) {}

    private final List<KeyedCertificate> recipients;

    EncryptedLayerReader(List<KeyedCertificate> recipients) {
        this.recipients = List.copyOf(recipients);
    }

    /**
     * Reads the encrypted layer.
     *
     * @throws IOException only if the temporary storage fails; every problem of the input is an
     *         EnvelopeException (the caller tells a broken input apart by reading on)
     */
    Result read(InputStream signedContent, PlaintextBuffer photo) throws IOException, EnvelopeException {
        try {
            return parse(signedContent, photo);
        } catch (IOException | RuntimeException e) {
            photo.rethrowStorageFailure();
            throw new EnvelopeException(Reason.MALFORMED, "the encrypted layer is not a CMS AuthEnvelopedData ("
                    + e.getMessage() + "); the envelope was not produced by a conforming station", e);
        }
    }

    private Result parse(InputStream signedContent, PlaintextBuffer photo) throws IOException, EnvelopeException {
        ContentInfoParser contentInfo = new ContentInfoParser(
                (ASN1SequenceParser) new ASN1StreamParser(signedContent, (int) FramingValidator.MAX_DEFINITE_LENGTH).readObject());
        if (!CMSObjectIdentifiers.authEnvelopedData.equals(contentInfo.getContentType())) {
            throw malformed("the signed content is " + contentInfo.getContentType() + ", not authEnvelopedData");
        }
        AuthEnvelopedDataParser data = new AuthEnvelopedDataParser(
                (ASN1SequenceParser) contentInfo.getContent(BERTags.SEQUENCE));
        if (data.getVersion().intValueExact() != 0) {
            throw malformed("AuthEnvelopedData version " + data.getVersion() + " is not 0");
        }
        List<RecipientInfo> recipientInfos = recipientInfos(data.getRecipientInfos());
        EncryptedContentInfoParser content = data.getAuthEncryptedContentInfo();
        if (!CMSObjectIdentifiers.data.equals(content.getContentType())) {
            throw malformed("the encrypted content type is " + content.getContentType() + ", not id-data");
        }
        AlgorithmIdentifier contentAlgorithm = content.getContentEncryptionAlgorithm();
        Match match = findOurRecipient(recipientInfos);
        Suite suite = Suite.forEncryptedLayer(match.info(), match.keyEncryption(), contentAlgorithm)
                .orElseThrow(() -> new EnvelopeException(Reason.UNSUPPORTED_SUITE, "the encrypted layer uses key "
                        + "encryption " + match.keyEncryption().getAlgorithm() + " and cipher "
                        + contentAlgorithm.getAlgorithm() + ", which match no supported suite (" + Suite.names() + ")"));
        SecretKey contentKey = suite.unwrapContentKey(match.info(), match.encryptedKey(), contentAlgorithm,
                match.recipient().privateKey(), match.recipient().certificate());
        PlaintextSplitter plaintext = new PlaintextSplitter(suite.photoDigest(), photo);
        ASN1OctetStringParser ciphertext = (ASN1OctetStringParser) content.getEncryptedContent(BERTags.OCTET_STRING);
        if (ciphertext == null) {
            throw malformed("the encrypted content is missing");
        }
        try {
            ContentDecryptor decryptor = suite.contentDecryptor(contentKey, contentAlgorithm);
            byte[] in = new byte[EnvelopeFormat.CHUNK];
            byte[] out = new byte[EnvelopeFormat.CHUNK];
            try (InputStream stream = ciphertext.getOctetStream()) {
                for (int n = stream.readNBytes(in, 0, in.length); n > 0; n = stream.readNBytes(in, 0, in.length)) {
                    plaintext.accept(out, decryptor.update(in, 0, n, out));
                }
            }
            if (data.getAuthAttrs() != null) {
                throw malformed("the AuthEnvelopedData carries authenticated attributes, which this format forbids");
            }
            if (!decryptor.verify(data.getMac().getOctets())) {
                throw new EnvelopeException(Reason.DECRYPTION_FAILED, "the GCM tag does not verify: the "
                        + "ciphertext or its tag was altered or damaged; ask the station to send the envelope again");
            }
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException(Reason.DECRYPTION_FAILED, "the content cannot be decrypted with the "
                    + "unwrapped key (" + e.getMessage() + ")");
        }
        if (data.getUnauthAttrs() != null) {
            throw malformed("the AuthEnvelopedData carries unauthenticated attributes, which this format forbids");
        }
        if (signedContent.read() >= 0) {
            throw malformed("the signed content continues after the AuthEnvelopedData");
        }
        return plaintext.finish(suite);
    }

    private static List<RecipientInfo> recipientInfos(ASN1SetParser infos) throws IOException, EnvelopeException {
        List<RecipientInfo> result = new ArrayList<>();
        for (ASN1Encodable next = infos.readObject(); next != null; next = infos.readObject()) {
            if (result.size() == MAX_RECIPIENT_INFOS) {
                throw malformed("more than " + MAX_RECIPIENT_INFOS + " recipient infos");
            }
            result.add(RecipientInfo.getInstance(next.toASN1Primitive()));
        }
        return result;
    }

    /** The recipient info addressed to one of our keys, with its key-encryption algorithm and encrypted key. */
    private record Match(RecipientInfo info, AlgorithmIdentifier keyEncryption, byte[] encryptedKey,
            KeyedCertificate recipient) {}

    /** Finds a key-agreement (suite 1) or key-transport (suite 2) recipient naming one of our keys. */
    private Match findOurRecipient(List<RecipientInfo> recipientInfos) throws EnvelopeException {
        for (RecipientInfo info : recipientInfos) {
            if (info.getInfo() instanceof KeyAgreeRecipientInfo keyAgreement) {
                for (ASN1Encodable entry : keyAgreement.getRecipientEncryptedKeys()) {
                    RecipientEncryptedKey key = RecipientEncryptedKey.getInstance(entry);
                    for (KeyedCertificate recipient : recipients) {
                        if (names(key.getIdentifier().getIssuerAndSerialNumber(), recipient)) {
                            return new Match(info, keyAgreement.getKeyEncryptionAlgorithm(),
                                    key.getEncryptedKey().getOctets(), recipient);
                        }
                    }
                }
            } else if (info.getInfo() instanceof KeyTransRecipientInfo keyTransport) {
                for (KeyedCertificate recipient : recipients) {
                    if (!keyTransport.getRecipientIdentifier().isTagged() && names(
                            IssuerAndSerialNumber.getInstance(keyTransport.getRecipientIdentifier().getId()), recipient)) {
                        return new Match(info, keyTransport.getKeyEncryptionAlgorithm(),
                                keyTransport.getEncryptedKey().getOctets(), recipient);
                    }
                }
            }
        }
        throw new EnvelopeException(Reason.WRONG_RECIPIENT, "the envelope is not encrypted to any registry "
                + "encryption key held here (" + recipients.size() + " key(s)); the station may have an outdated "
                + "trust bundle, or the envelope is meant for another registry");
    }

    private static boolean names(IssuerAndSerialNumber issuerAndSerial, KeyedCertificate recipient) {
        if (issuerAndSerial != null) {
            var certificate = recipient.certificate();
            return issuerAndSerial.getSerialNumber().getValue().equals(certificate.getSerialNumber())
                    && issuerAndSerial.getName().equals(X500Name.getInstance(
                            certificate.getIssuerX500Principal().getEncoded()));
        }
        return false;
    }

    private static EnvelopeException malformed(String detail) {
        return new EnvelopeException(Reason.MALFORMED, "the encrypted layer is malformed: " + detail);
    }

    /**
     * Splits decrypted bytes into the header (magic, length, binding DER) and the photo, hashing the
     * photo on its way into the buffer. Header problems are reported only after the tag verified
     * (before that, garbage is expected from a damaged ciphertext and the tag failure is the news).
     */
    private static final class PlaintextSplitter {
        private final MessageDigest digest;
        private final PlaintextBuffer photo;
        private final ByteArrayOutputStream header = new ByteArrayOutputStream();
        private int headerLength = EnvelopeFormat.MAGIC.length + EnvelopeFormat.LENGTH_FIELD;
        private boolean inPhoto;
        private String headerProblem;

        PlaintextSplitter(MessageDigest digest, PlaintextBuffer photo) {
            this.digest = digest;
            this.photo = photo;
        }

        void accept(byte[] bytes, int length) throws IOException {
            int offset = 0;
            while (offset < length && !inPhoto && headerProblem == null) {
                int take = Math.min(length - offset, headerLength - header.size());
                header.write(bytes, offset, take);
                offset += take;
                if (header.size() == headerLength) {
                    onHeaderPart();
                }
            }
            if (inPhoto && offset < length) {
                digest.update(bytes, offset, length - offset);
                photo.write(bytes, offset, length - offset);
            }
        }

        private void onHeaderPart() {
            byte[] bytes = header.toByteArray();
            if (headerLength > EnvelopeFormat.MAGIC.length + EnvelopeFormat.LENGTH_FIELD) {
                inPhoto = true;
                return;
            }
            if (!Arrays.equals(bytes, 0, EnvelopeFormat.MAGIC.length, EnvelopeFormat.MAGIC, 0,
                    EnvelopeFormat.MAGIC.length)) {
                headerProblem = "the decrypted content does not start with the Codebound magic";
                return;
            }
            int bindingLength = ByteBuffer.wrap(bytes, EnvelopeFormat.MAGIC.length,
                    EnvelopeFormat.LENGTH_FIELD).getInt();
            if (bindingLength <= 0 || bindingLength > Binding.MAX_ENCODED_LENGTH) {
                headerProblem = "the binding length " + Integer.toUnsignedString(bindingLength) + " is out of range";
                return;
            }
            headerLength += bindingLength;
        }

        Result finish(Suite suite) throws EnvelopeException {
            if (headerProblem == null && !inPhoto) {
                headerProblem = "the decrypted content ends inside its header";
            }
            if (headerProblem != null) {
                throw malformed(headerProblem);
            }
            byte[] bytes = header.toByteArray();
            int prefix = EnvelopeFormat.MAGIC.length + EnvelopeFormat.LENGTH_FIELD;
            byte[] bindingDer = Arrays.copyOfRange(bytes, prefix, bytes.length);
            return new Result(suite, bindingDer, digest.digest(), photo.size());
        }
    }
}
