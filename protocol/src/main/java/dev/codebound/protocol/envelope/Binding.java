package dev.codebound.protocol.envelope;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
import org.bouncycastle.asn1.BERTags;
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
 *   formatVersion INTEGER (1 | 2),
 *   suite         INTEGER,           -- suite id, see Suite
 *   codeId        UTF8String,
 *   code          UTF8String,        -- format 1: the full collection code text
 *     or codeProof OCTET STRING (32) -- format 2: proof of possession of the code, see CodeProof
 *   photoDigest   OCTET STRING,      -- the suite's digest of the photo bytes (SHA-256 for suite 1)
 *   photoLength   INTEGER (0..MAX),
 *   mediaType     UTF8String,        -- e.g. "image/jpeg"
 *   stationId     UTF8String,        -- the signer certificate's CN
 *   captureTime   GeneralizedTime }  -- whole seconds, UTC: YYYYMMDDHHMMSSZ
 * </pre>
 *
 * <p>Format 1 carries the code's text, a bearer credential, in the envelope's clear signed layer;
 * format 2 carries instead a 32-byte proof that the station held the text, bound to this photo,
 * station and capture time. Exactly one of {@link #codeText()} and {@link #codeProof()} is present,
 * by format.
 *
 * @param formatVersion the envelope format version, {@value #FORMAT_VERSION_CODE_TEXT} or
 *                      {@value #FORMAT_VERSION_CODE_PROOF}
 * @param suiteId       the {@link Suite#id() suite id}
 * @param codeId        the collection code's id
 * @param codeText      format 1: the collection code's canonical text; {@code null} in format 2
 * @param codeProof     format 2: the {@value CodeProof#LENGTH}-byte code proof; {@code null} in format 1
 * @param photoDigest   the suite's digest of the photo
 * @param photoLength   the photo's length in bytes
 * @param mediaType     the photo's media type
 * @param stationId     the sealing station's id
 * @param captureTime   when the photo was taken, in whole seconds
 */
public record Binding(int formatVersion, int suiteId, String codeId, String codeText, byte[] codeProof,
        byte[] photoDigest, long photoLength, String mediaType, String stationId, Instant captureTime) {

    /**
     * Format 1: the binding carries the collection code's text. Still read, and written for registries
     * whose trust bundle does not announce format 2.
     */
    public static final int FORMAT_VERSION_CODE_TEXT = 1;
    /** Format 2: the binding carries a proof of possession of the code instead of its text. */
    public static final int FORMAT_VERSION_CODE_PROOF = 2;
    /** Every format version this software reads and writes, oldest first. */
    public static final List<Integer> FORMAT_VERSIONS = List.of(FORMAT_VERSION_CODE_TEXT, FORMAT_VERSION_CODE_PROOF);
    /** Upper bound on an encoded binding, so a hostile envelope cannot make us allocate much. */
    public static final int MAX_ENCODED_LENGTH = 8192;

    private static final int MAX_CODE_ID_LENGTH = 64;
    private static final int MAX_CODE_TEXT_BYTES = 2048;
    private static final int MAX_STATION_ID_LENGTH = 128;
    private static final int MAX_DIGEST_LENGTH = 64;
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9.+-]{0,62}/[a-z0-9][a-z0-9.+-]{0,62}");
    private static final Instant END_OF_YEAR_9999 = Instant.parse("9999-12-31T23:59:59Z").plusSeconds(1);
    private static final int GENERALIZED_TIME_LENGTH = 15;

    public Binding {
        Objects.requireNonNull(codeId, "codeId");
        Objects.requireNonNull(photoDigest, "photoDigest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(stationId, "stationId");
        Objects.requireNonNull(captureTime, "captureTime");
        photoDigest = photoDigest.clone();
        require(FORMAT_VERSIONS.contains(formatVersion), "format version " + formatVersion + " is not one of "
                + FORMAT_VERSIONS);
        require(codeId.length() >= 1 && codeId.length() <= MAX_CODE_ID_LENGTH, "code id must be 1 to "
                + MAX_CODE_ID_LENGTH + " characters");
        if (formatVersion == FORMAT_VERSION_CODE_TEXT) {
            Objects.requireNonNull(codeText, "codeText");
            require(codeProof == null, "a format 1 binding carries the code text, not a code proof");
            int codeBytes = codeText.getBytes(StandardCharsets.UTF_8).length;
            require(codeBytes >= 1 && codeBytes <= MAX_CODE_TEXT_BYTES, "code text must be 1 to "
                    + MAX_CODE_TEXT_BYTES + " bytes");
        } else {
            Objects.requireNonNull(codeProof, "codeProof");
            require(codeText == null, "a format 2 binding carries a code proof, never the code text");
            require(codeProof.length == CodeProof.LENGTH, "the code proof must be " + CodeProof.LENGTH
                    + " bytes, not " + codeProof.length);
            codeProof = codeProof.clone();
        }
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

    /** A format 1 binding: the code's canonical text travels in it. */
    public static Binding withCodeText(int suiteId, String codeId, String codeText, byte[] photoDigest,
            long photoLength, String mediaType, String stationId, Instant captureTime) {
        return new Binding(FORMAT_VERSION_CODE_TEXT, suiteId, codeId, codeText, null, photoDigest, photoLength,
                mediaType, stationId, captureTime);
    }

    /** A format 2 binding carrying {@code codeProof} (see {@link CodeProof} for how it is computed). */
    public static Binding withCodeProof(int suiteId, String codeId, byte[] codeProof, byte[] photoDigest,
            long photoLength, String mediaType, String stationId, Instant captureTime) {
        return new Binding(FORMAT_VERSION_CODE_PROOF, suiteId, codeId, null, codeProof, photoDigest, photoLength,
                mediaType, stationId, captureTime);
    }

    /**
     * This format 2 binding with another code proof: the proof is computed over the binding with
     * {@link CodeProof#LENGTH} zero bytes in its place.
     *
     * @throws IllegalStateException if this is a format 1 binding
     */
    public Binding withProof(byte[] proof) {
        if (formatVersion != FORMAT_VERSION_CODE_PROOF) {
            throw new IllegalStateException("a format " + formatVersion + " binding carries no code proof");
        }
        return withCodeProof(suiteId, codeId, proof, photoDigest, photoLength, mediaType, stationId, captureTime);
    }

    @Override
    public byte[] codeProof() {
        return codeProof == null ? null : codeProof.clone();
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
        fields.add(formatVersion == FORMAT_VERSION_CODE_TEXT ? new DERUTF8String(codeText)
                : new DEROctetString(codeProof));
        fields.add(new DEROctetString(photoDigest));
        fields.add(new ASN1Integer(photoLength));
        fields.add(new DERUTF8String(mediaType));
        fields.add(new DERUTF8String(stationId));
        fields.add(generalizedTime(captureTime));
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
     * @throws EnvelopeException {@link Reason#MALFORMED} if the bytes are not a valid binding;
     *         {@link Reason#UNSUPPORTED_SUITE} if they are one of a format version this software does
     *         not know (its fields cannot be read)
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
            int formatVersion = smallInt(sequence.getObjectAt(0));
            if (!FORMAT_VERSIONS.contains(formatVersion)) {
                throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "envelope format version " + formatVersion
                        + " is not supported (this software reads versions " + FORMAT_VERSIONS
                        + "); upgrade the verifier");
            }
            boolean text = formatVersion == FORMAT_VERSION_CODE_TEXT;
            ASN1Encodable code = sequence.getObjectAt(3);
            Binding binding = new Binding(
                    formatVersion,
                    smallInt(sequence.getObjectAt(1)),
                    ASN1UTF8String.getInstance(sequence.getObjectAt(2)).getString(),
                    text ? ASN1UTF8String.getInstance(code).getString() : null,
                    text ? null : ASN1OctetString.getInstance(code).getOctets(),
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

    /**
     * The capture time as a DER GeneralizedTime {@code YYYYMMDDHHMMSSZ}. Built from its encoding:
     * Bouncy Castle's constructor from text re-parses it with a new {@code SimpleDateFormat}, which
     * cost more than the rest of the binding's encoding on every seal and every open.
     */
    private static ASN1Primitive generalizedTime(Instant time) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
        byte[] encoding = new byte[2 + GENERALIZED_TIME_LENGTH];
        encoding[0] = BERTags.GENERALIZED_TIME;
        encoding[1] = GENERALIZED_TIME_LENGTH;
        int at = 2;
        at = digits(encoding, at, utc.getYear(), 4);
        at = digits(encoding, at, utc.getMonthValue(), 2);
        at = digits(encoding, at, utc.getDayOfMonth(), 2);
        at = digits(encoding, at, utc.getHour(), 2);
        at = digits(encoding, at, utc.getMinute(), 2);
        at = digits(encoding, at, utc.getSecond(), 2);
        encoding[at] = 'Z';
        try {
            return ASN1Primitive.fromByteArray(encoding);
        } catch (IOException e) {
            throw new IllegalStateException("a GeneralizedTime in memory does not decode", e);
        }
    }

    private static int digits(byte[] out, int at, int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            out[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + count;
    }

    /** Reads {@code YYYYMMDDHHMMSSZ} exactly: every other form fails (and would not be canonical anyway). */
    private static Instant time(ASN1GeneralizedTime time) {
        String text = time.getTimeString();
        if (text.length() != GENERALIZED_TIME_LENGTH || text.charAt(GENERALIZED_TIME_LENGTH - 1) != 'Z') {
            throw notGeneralizedTime(text);
        }
        for (int i = 0; i < GENERALIZED_TIME_LENGTH - 1; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw notGeneralizedTime(text);
            }
        }
        try {
            return LocalDateTime.of(number(text, 0, 4), number(text, 4, 6), number(text, 6, 8), number(text, 8, 10),
                    number(text, 10, 12), number(text, 12, 14)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw notGeneralizedTime(text);
        }
    }

    private static int number(String text, int from, int to) {
        return Integer.parseInt(text, from, to, 10);
    }

    private static IllegalArgumentException notGeneralizedTime(String text) {
        return new IllegalArgumentException("capture time '" + text + "' is not YYYYMMDDHHMMSSZ");
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
        // Neither the code text (a bearer credential) nor the proof: a binding may end up in a log line.
        return "Binding[v" + formatVersion + ", suite " + suiteId + ", code " + codeId + ", photo "
                + photoDigestHex() + " (" + photoLength + " bytes, " + mediaType + "), station " + stationId
                + ", captured " + captureTime + "]";
    }
}
