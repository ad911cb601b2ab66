package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;

/**
 * What an envelope asserts about its photo: which collection code it was taken for, by which
 * station, when, and exactly which bytes. The same DER encoding ({@link #toDer()}) is carried twice,
 * in the station's signed attributes and inside the encrypted content, and the two must be
 * byte-identical. The layout is specified in {@code docs/protocol.md §4}:
 *
 * <pre>
 * EnvelopeBinding ::= SEQUENCE {
 *   formatVersion INTEGER (1),
 *   suite         INTEGER,           -- suite id, see Suite
 *   codeId        UTF8String,
 *   code          UTF8String,        -- the full collection code text
 *   photoDigest   OCTET STRING,      -- the suite's digest of the photo bytes (SHA-256 for suite 1)
 *   photoLength   INTEGER (0..MAX),
 *   mediaType     UTF8String,        -- e.g. "image/jpeg"
 *   stationId     UTF8String,        -- the signer certificate's CN
 *   captureTime   GeneralizedTime }  -- whole seconds, UTC: YYYYMMDDHHMMSSZ
 * </pre>
 *
 * @param formatVersion the envelope format version, {@value #FORMAT_VERSION}
 * @param suiteId       the {@link Suite#id() suite id}
 * @param codeId        the collection code's id
 * @param codeText      the collection code exactly as scanned
 * @param photoDigest   the suite's digest of the photo
 * @param photoLength   the photo's length in bytes
 * @param mediaType     the photo's media type
 * @param stationId     the sealing station's id
 * @param captureTime   when the photo was taken, in whole seconds
 */
public record Binding(int formatVersion, int suiteId, String codeId, String codeText, byte[] photoDigest,
        long photoLength, String mediaType, String stationId, Instant captureTime) {

    /** The only envelope format version this software reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** Upper bound on an encoded binding, so a hostile envelope cannot make us allocate much. */
    public static final int MAX_ENCODED_LENGTH = 8192;

    private static final int MAX_CODE_ID_LENGTH = 64;
    private static final int MAX_CODE_TEXT_BYTES = 2048;
    private static final int MAX_STATION_ID_LENGTH = 128;
    private static final int MAX_DIGEST_LENGTH = 64;
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9.+-]{0,62}/[a-z0-9][a-z0-9.+-]{0,62}");
    private static final Instant END_OF_YEAR_9999 = Instant.parse("9999-12-31T23:59:59Z").plusSeconds(1);
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    public Binding {
        Objects.requireNonNull(codeId, "codeId");
        Objects.requireNonNull(codeText, "codeText");
        Objects.requireNonNull(photoDigest, "photoDigest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(stationId, "stationId");
        Objects.requireNonNull(captureTime, "captureTime");
        photoDigest = photoDigest.clone();
        require(codeId.length() >= 1 && codeId.length() <= MAX_CODE_ID_LENGTH, "code id must be 1 to "
                + MAX_CODE_ID_LENGTH + " characters");
        int codeBytes = codeText.getBytes(StandardCharsets.UTF_8).length;
        require(codeBytes >= 1 && codeBytes <= MAX_CODE_TEXT_BYTES, "code text must be 1 to "
                + MAX_CODE_TEXT_BYTES + " bytes");
        require(photoDigest.length >= 1 && photoDigest.length <= MAX_DIGEST_LENGTH, "photo digest length "
                + photoDigest.length + " is out of range");
        require(photoLength >= 0, "photo length must not be negative");
        require(MEDIA_TYPE.matcher(mediaType).matches(), "media type must be a lower-case type/subtype");
        require(stationId.length() >= 1 && stationId.length() <= MAX_STATION_ID_LENGTH, "station id must be 1 to "
                + MAX_STATION_ID_LENGTH + " characters");
        require(captureTime.getNano() == 0, "capture time must be whole seconds");
        require(captureTime.getEpochSecond() >= 0 && captureTime.isBefore(END_OF_YEAR_9999),
                "capture time must be between 1970 and 9999");
    }

    @Override
    public byte[] photoDigest() {
        return photoDigest.clone();
    }

    /** The photo digest as lower-case hex. */
    public String photoDigestHex() {
        return HexFormat.of().formatHex(photoDigest);
    }

    /** The DER encoding, as carried in both layers of an envelope. */
    public byte[] toDer() {
        ASN1EncodableVector fields = new ASN1EncodableVector();
        fields.add(new ASN1Integer(formatVersion));
        fields.add(new ASN1Integer(suiteId));
        fields.add(new DERUTF8String(codeId));
        fields.add(new DERUTF8String(codeText));
        fields.add(new DEROctetString(photoDigest));
        fields.add(new ASN1Integer(photoLength));
        fields.add(new DERUTF8String(mediaType));
        fields.add(new DERUTF8String(stationId));
        fields.add(new DERGeneralizedTime(GENERALIZED_TIME.format(captureTime)));
        try {
            return new DERSequence(fields).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding in memory failed", e);
        }
    }

    /**
     * Decodes a binding, accepting only the exact DER encoding {@link #toDer()} produces (so every
     * binding has one byte representation, and "identical in both layers" means identical bytes).
     * The suite id is not checked here; see {@link Suite#byId}.
     *
     * @throws EnvelopeException {@link Reason#MALFORMED} if the bytes are not a valid binding
     */
    public static Binding fromDer(byte[] der) throws EnvelopeException {
        if (der.length > MAX_ENCODED_LENGTH) {
            throw malformed("it is " + der.length + " bytes, more than " + MAX_ENCODED_LENGTH);
        }
        try {
            // fromByteArray returns null for no bytes at all, and getInstance passes null through.
            ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (sequence == null) {
                throw malformed("it is empty");
            }
            if (sequence.size() != 9) {
                throw malformed("it has " + sequence.size() + " fields, not 9");
            }
            Binding binding = new Binding(
                    smallInt(sequence.getObjectAt(0)),
                    smallInt(sequence.getObjectAt(1)),
                    ASN1UTF8String.getInstance(sequence.getObjectAt(2)).getString(),
                    ASN1UTF8String.getInstance(sequence.getObjectAt(3)).getString(),
                    ASN1OctetString.getInstance(sequence.getObjectAt(4)).getOctets(),
                    ASN1Integer.getInstance(sequence.getObjectAt(5)).longValueExact(),
                    ASN1UTF8String.getInstance(sequence.getObjectAt(6)).getString(),
                    ASN1UTF8String.getInstance(sequence.getObjectAt(7)).getString(),
                    time(ASN1GeneralizedTime.getInstance(sequence.getObjectAt(8))));
            if (!Arrays.equals(binding.toDer(), der)) {
                throw malformed("it is not in canonical DER form");
            }
            return binding;
        } catch (IOException | IllegalArgumentException | ArithmeticException | IllegalStateException e) {
            throw malformed(e.getMessage());
        }
    }

    private static int smallInt(ASN1Encodable value) {
        return ASN1Integer.getInstance(value).intValueExact();
    }

    private static Instant time(ASN1GeneralizedTime time) {
        String text = time.getTimeString();
        try {
            return GENERALIZED_TIME.parse(text, Instant::from).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("capture time '" + text + "' is not YYYYMMDDHHMMSSZ");
        }
    }

    private static EnvelopeException malformed(String detail) {
        return new EnvelopeException(Reason.MALFORMED, "the envelope binding is malformed: " + detail
                + "; the envelope was not produced by a conforming station");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Binding that && Arrays.equals(toDer(), that.toDer());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toDer());
    }

    @Override
    public String toString() {
        return "Binding[v" + formatVersion + ", suite " + suiteId + ", code " + codeId + ", photo "
                + photoDigestHex() + " (" + photoLength + " bytes, " + mediaType + "), station " + stationId
                + ", captured " + captureTime + "]";
    }
}
