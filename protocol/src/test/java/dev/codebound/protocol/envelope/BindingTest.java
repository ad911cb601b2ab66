package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BindingTest {
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Found by EnvelopeFuzzTest.bindingFromDer: no bytes at all used to escape as a NullPointerException. */
    @Test
    void anEmptyBindingIsMalformedNotANullPointer() {
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> Binding.fromDer(new byte[0]));
        assertEquals(EnvelopeException.Reason.MALFORMED, e.reason());
    }

    /** The capture time is encoded by hand now: byte for byte what Bouncy Castle's GeneralizedTime gives. */
    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "2026-06-15T09:30:00Z", "2028-02-29T23:59:59Z",
            "2000-12-31T12:00:01Z", "9999-12-31T23:59:59Z"})
    void theCaptureTimeIsEncodedAsBouncyCastleEncodesIt(String text) throws Exception {
        Instant at = Instant.parse(text);
        byte[] der = binding(at).toDer();
        ASN1Sequence fields = ASN1Sequence.getInstance(der);
        byte[] expected = new DERGeneralizedTime(GENERALIZED_TIME.format(at)).getEncoded(ASN1Encoding.DER);
        assertArrayEquals(expected, fields.getObjectAt(8).toASN1Primitive().getEncoded(ASN1Encoding.DER));
        assertEquals(at, Binding.fromDer(der).captureTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"20260230093000Z", "20261301093000Z", "20260615243000Z", "20260615096000Z",
            "20260615093060Z", "2026061509300Z", "202606150930000Z", "20260615093000+", "2026061509300aZ",
            "20260615093000.5Z", "20260615093000z"})
    void aCaptureTimeNotExactlyYyyyMmDdHhMmSsZIsMalformed(String time) throws Exception {
        byte[] der = withTimeText(binding(Instant.parse("2026-06-15T09:30:00Z")).toDer(), time);
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> Binding.fromDer(der));
        assertEquals(EnvelopeException.Reason.MALFORMED, e.reason());
    }

    private static Binding binding(Instant at) {
        return Binding.withCodeProof(1, "code-1", new byte[CodeProof.LENGTH], new byte[32], 1000, "image/jpeg",
                "station-0001", at);
    }

    /**
     * {@code der} with its last field, the capture time, replaced by a GeneralizedTime of any text,
     * valid or not (Bouncy Castle's constructors would refuse to build the invalid ones).
     */
    private static byte[] withTimeText(byte[] der, String text) {
        int header = (der[1] & 0x80) == 0 ? 2 : 2 + (der[1] & 0x7f);
        int validTime = 2 + 15;
        ByteArrayOutputStream contents = new ByteArrayOutputStream();
        contents.write(der, header, der.length - header - validTime);
        byte[] time = text.getBytes(StandardCharsets.US_ASCII);
        contents.write(BERTags.GENERALIZED_TIME);
        contents.write(time.length);
        contents.writeBytes(time);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(BERTags.SEQUENCE | BERTags.CONSTRUCTED);
        if (contents.size() >= 0x80) {
            out.write(0x81);
        }
        out.write(contents.size());
        out.writeBytes(contents.toByteArray());
        return out.toByteArray();
    }
}
