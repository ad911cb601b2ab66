package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;

/**
 * The CMS {@code signingTime} attribute exactly as Bouncy Castle's {@code DefaultSignedAttributeTableGenerator}
 * writes it for the current time (whole seconds, UTC; UTCTime {@code YYMMDDHHMMSSZ} for the years 1950 to 2049,
 * GeneralizedTime {@code YYYYMMDDHHMMSSZ} otherwise, RFC 5652 §11.3), but encoded directly: Bouncy Castle
 * builds two {@code SimpleDateFormat}s for every signature, which cost a sealed photo as much as a tenth
 * of its ECDSA signature.
 */
final class SigningTime {
    private SigningTime() {}

    /** The attribute for {@code at}, truncated to the second as a {@code java.util.Date} formatted to seconds is. */
    static Attribute at(Instant at) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = time.getYear();
        boolean utcTime = year >= 1950 && year <= 2049;
        StringBuilder text = new StringBuilder(15);
        if (utcTime) {
            twoDigits(text, year % 100);
        } else {
            text.append(String.format("%04d", year));
        }
        twoDigits(text, time.getMonthValue());
        twoDigits(text, time.getDayOfMonth());
        twoDigits(text, time.getHour());
        twoDigits(text, time.getMinute());
        twoDigits(text, time.getSecond());
        text.append('Z');
        byte[] contents = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[2 + contents.length];
        der[0] = (byte) (utcTime ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
        der[1] = (byte) contents.length;
        System.arraycopy(contents, 0, der, 2, contents.length);
        try {
            return new Attribute(CMSAttributes.signingTime, new DERSet(Time.getInstance(ASN1Primitive.fromByteArray(der))));
        } catch (IOException e) {
            throw new UncheckedIOException("a signing time of " + contents.length + " digits did not parse", e);
        }
    }

    private static void twoDigits(StringBuilder text, int value) {
        text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
