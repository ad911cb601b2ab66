package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.util.Store;

/**
 * Reads the outer layer (the station's SignedData) in one streaming pass, handing the
 * encapsulated content to {@link EncryptedLayerReader} so that it is decrypted while it is hashed.
 * Checks structure only: judging the signature, the signer and the binding is the opener's job.
 */
final class SignedLayerReader {
    /**
     * The parts of an envelope. Exactly one of {@code decrypted} and {@code decryptionFailure} is
     * set: a failure of the encrypted layer is held back until the signature has been judged.
     */
    record Result(SignerInformation signer, X509Certificate signerCertificate, byte[] bindingDer,
            EncryptedLayerReader.Result decrypted, EnvelopeException decryptionFailure) {
        /** The encrypted layer's content, or its held-back failure. */
        EncryptedLayerReader.Result encryptedLayer() throws EnvelopeException {
            if (decryptionFailure != null) {
                throw decryptionFailure;
            }
            return decrypted;
        }
    }

    private final EncryptedLayerReader encryptedLayer;

    SignedLayerReader(List<KeyedCertificate> recipients) {
        this.encryptedLayer = new EncryptedLayerReader(recipients);
    }

    /** Reads one envelope from {@code envelope} to its end, decrypting into {@code photo}. */
    Result read(InputStream envelope, PlaintextBuffer photo) throws IOException, EnvelopeException {
        FramingValidator in = new FramingValidator(envelope);
        SignedDataParser parser;
        try {
            parser = new SignedDataParser(Suite.contentDigestsOfAllSuites(), in);
        } catch (CMSException | RuntimeException e) {
            throw in.structuralFailure("the SignedData header", e);
        }
        if (!CMSObjectIdentifiers.signedData.equals(parser.contentInfoType())) {
            throw new EnvelopeException(Reason.MALFORMED, "the envelope is a CMS " + parser.contentInfoType()
                    + ", not a SignedData; this is not a Codebound envelope");
        }
        int version;
        try {
            // Bouncy Castle converts the version INTEGER with intValueExact: one beyond int range throws
            // ArithmeticException, which must be a refusal of the envelope like any other bad field.
            version = parser.getVersion();
        } catch (RuntimeException e) {
            throw in.structuralFailure("the SignedData version", e);
        }
        if (version != 1) {
            throw new EnvelopeException(Reason.MALFORMED, "the SignedData has version " + version
                    + ", not 1 (id-data content, signer named by issuer and serial number)");
        }
        if (!CMSObjectIdentifiers.data.getId().equals(parser.getSignedContentTypeOID())) {
            throw new EnvelopeException(Reason.MALFORMED, "the signed content type is "
                    + parser.getSignedContentTypeOID() + ", not id-data; this is not a Codebound envelope");
        }
        CMSTypedStream content;
        try {
            // Reading ahead to the content can meet a framing failure, which Bouncy Castle rethrows unchecked.
            content = parser.getSignedContent();
        } catch (RuntimeException e) {
            throw in.structuralFailure("the SignedData content", e);
        }
        if (content == null) {
            throw new EnvelopeException(Reason.MALFORMED, "the SignedData has no encapsulated content (detached "
                    + "signature); a Codebound envelope carries its encrypted photo inside");
        }
        EncryptedLayerReader.Result inner = null;
        EnvelopeException innerFailure = null;
        try {
            inner = encryptedLayer.read(content.getContentStream(), photo);
        } catch (EnvelopeException e) {
            innerFailure = e;
        }
        SignerInformation signer;
        Store<X509CertificateHolder> certificates;
        try {
            content.drain();
            @SuppressWarnings("unchecked") // Bouncy Castle returns a raw Store of X509CertificateHolder
            Store<X509CertificateHolder> store = parser.getCertificates();
            certificates = store;
            Collection<SignerInformation> signers = parser.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new EnvelopeException(Reason.MALFORMED, "the envelope has " + signers.size()
                        + " signers; a Codebound envelope has exactly one, the station");
            }
            signer = signers.iterator().next();
            if (signer.getVersion() != 1 || signer.getUnsignedAttributes() != null) {
                throw new EnvelopeException(Reason.MALFORMED, "the SignerInfo must have version 1 (signer named "
                        + "by issuer and serial number) and no unsigned attributes");
            }
        } catch (IOException | CMSException | RuntimeException e) {
            throw in.structuralFailure("the signed content or signer infos", e);
        }
        in.requireComplete();
        photo.finish();
        X509Certificate signerCertificate = signerCertificate(certificates, signer);
        return new Result(signer, signerCertificate, signedBinding(signer), inner, innerFailure);
    }

    private static X509Certificate signerCertificate(Store<X509CertificateHolder> certificates,
            SignerInformation signer) throws EnvelopeException {
        @SuppressWarnings("unchecked") // SignerId is a raw Selector
        Collection<X509CertificateHolder> matches = certificates.getMatches(signer.getSID());
        if (matches.size() != 1) {
            throw new EnvelopeException(Reason.MALFORMED, "the envelope does not include the signer's certificate "
                    + "exactly once (found " + matches.size() + "); a station always includes its certificate");
        }
        return SignerCertificates.parse(matches.iterator().next());
    }

    private static byte[] signedBinding(SignerInformation signer) throws EnvelopeException {
        AttributeTable attributes;
        try {
            attributes = signer.getSignedAttributes();
        } catch (RuntimeException e) {
            throw new EnvelopeException(Reason.MALFORMED, "the signer's signed attributes are malformed", e);
        }
        ASN1EncodableVector found = attributes == null ? new ASN1EncodableVector()
                : attributes.getAll(EnvelopeFormat.BINDING_ATTRIBUTE);
        if (found.size() != 1 || Attribute.getInstance(found.get(0)).getAttrValues().size() != 1) {
            throw new EnvelopeException(Reason.MALFORMED, "the signer's signed attributes do not carry exactly one "
                    + "Codebound binding (" + EnvelopeFormat.BINDING_ATTRIBUTE + ")");
        }
        try {
            return Attribute.getInstance(found.get(0)).getAttrValues().getObjectAt(0).toASN1Primitive()
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new EnvelopeException(Reason.MALFORMED, "the signed binding cannot be encoded", e);
        }
    }
}
