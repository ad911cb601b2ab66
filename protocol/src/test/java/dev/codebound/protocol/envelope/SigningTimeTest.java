package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Instant;
import java.util.Date;
import java.util.SplittableRandom;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.junit.jupiter.api.Test;

/** The directly encoded signingTime attribute is byte for byte Bouncy Castle's for the same instant. */
class SigningTimeTest {
    @Test
    void encodesExactlyAsBouncyCastleAcrossTheUtcTimeRangeAndBeyond() throws Exception {
        String[] edges = {"1949-12-31T23:59:59.999Z", "1950-01-01T00:00:00Z", "1999-12-31T23:59:59.500Z",
                "2000-01-01T00:00:00Z", "2026-06-15T09:30:00.123Z", "2049-12-31T23:59:59.999Z", "2050-01-01T00:00:00Z",
                "2100-02-28T12:00:00Z", "1970-01-01T00:00:00Z"};
        for (String edge : edges) {
            assertSame(Instant.parse(edge));
        }
        SplittableRandom random = new SplittableRandom(10);
        long from = Instant.parse("1930-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 5000; i++) {
            assertSame(Instant.ofEpochMilli(random.nextLong(from, to)));
        }
    }

    private static void assertSame(Instant at) throws Exception {
        byte[] expected = new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(at)))).getEncoded();
        assertArrayEquals(expected, SigningTime.at(at).getEncoded(), at.toString());
    }
}
