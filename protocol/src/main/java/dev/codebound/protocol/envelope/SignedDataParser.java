package dev.codebound.protocol.envelope;

import java.io.InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.operator.DigestCalculatorProvider;

/**
 * Bouncy Castle's streaming SignedData parser, plus the outer ContentInfo's content type, which the
 * parser itself never checks (it would read any ContentInfo's content as a SignedData).
 */
final class SignedDataParser extends CMSSignedDataParser {
    SignedDataParser(DigestCalculatorProvider digests, InputStream in) throws CMSException {
        super(digests, in);
    }

    ASN1ObjectIdentifier contentInfoType() {
        return _contentInfo.getContentType();
    }
}
