package dev.codebound.protocol.envelope;

import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.Hashtable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;

/**
 * The outer layer: a streaming CMS SignedData by the station, encapsulating (as {@code id-data})
 * whatever is written to the stream {@link #open} returns, with the binding as a signed attribute and
 * the station certificate included. Closing the stream writes the signature.
 */
final class SignedLayer {
    private SignedLayer() {}

    static OutputStream open(OutputStream out, Suite suite, StationCredentials station, byte[] bindingDer)
            throws IOException {
        Hashtable<Object, Object> attributes = new Hashtable<>();
        attributes.put(EnvelopeFormat.BINDING_ATTRIBUTE, new Attribute(EnvelopeFormat.BINDING_ATTRIBUTE,
                new DERSet(ASN1Primitive.fromByteArray(bindingDer))));
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        generator.setBufferSize(EnvelopeFormat.CHUNK);
        try {
            generator.addSignerInfoGenerator(suite.signer(station, withSigningTime(attributes)));
            generator.addCertificate(new JcaX509CertificateHolder(station.certificate()));
        } catch (CMSException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot set up the signed layer: " + e.getMessage(), e);
        }
        return generator.open(out, true);
    }

    /**
     * Bouncy Castle's standard signed attributes (content type, signing time, message digest, algorithm
     * protection) and {@code attributes}, with the signing time taken when the signature is made, as
     * Bouncy Castle takes it, but encoded by {@link SigningTime} (the generator adds its own only when
     * the table has none).
     */
    private static CMSAttributeTableGenerator withSigningTime(Hashtable<Object, Object> attributes) {
        return parameters -> {
            Hashtable<Object, Object> withTime = new Hashtable<>(attributes);
            withTime.put(CMSAttributes.signingTime, SigningTime.at(Instant.now()));
            return new DefaultSignedAttributeTableGenerator(new AttributeTable(withTime)).getAttributes(parameters);
        };
    }
}
