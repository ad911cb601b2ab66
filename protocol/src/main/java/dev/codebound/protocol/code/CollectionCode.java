package dev.codebound.protocol.code;

import dev.codebound.protocol.code.CodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.util.encoders.Base32;

/**
 * A collection code as decoded from its text, NOT yet verified: use {@link CodeVerifier} before
 * trusting any field. The binary layout (version 1, all integers big-endian) is:
 *
 * <pre>
 *  size  field
 *   1    version           0x01
 *   1    suite             0x01 = ECDSA P-256/SHA-256 signature, ECIES P-256 + HKDF-SHA256 + AES-256-GCM identity;
 *                          0x02 = SM2/SM3 signature, SM2-transported key + SM4-GCM identity
 *   8    signing key id    first 8 bytes of SHA-256(SubjectPublicKeyInfo) of the code-signing key
 *  10    code id           random; its base32 form (16 characters) is the code id
 *   4    school code       e.g. 10337
 *   2    cohort            graduation year, e.g. 2027
 *   5    not before        seconds since 1970-01-01T00:00:00Z
 *   5    not after         seconds since 1970-01-01T00:00:00Z
 *   1    n = masked name length in bytes (1..48)
 *   n    masked name       UTF-8, e.g. "张*"
 *   8    encryption key id key id of the registry encryption key the identity is sealed to
 *  33    ephemeral key     suite 1: compressed P-256 point
 * 125    sealed key        suite 2 instead: SM2 ciphertext (C1 || C3 || C2) of the SM4 key and GCM nonce
 *   2    m = sealed identity length (17..240)
 *   m    sealed identity   AES-256-GCM (suite 2: SM4-GCM) ciphertext || 16-byte tag
 *  64    signature         r || s over "codebound collection code v1" 0x00 || all bytes above: ECDSA
 *                          P-256/SHA-256 (suite 2: SM2 with SM3, GM/T 0009's default signer ID)
 * </pre>
 */
public final class CollectionCode {
    /** The binary and text version this software reads and writes. */
    public static final int VERSION = 1;
    /** Suite 1: P-256, SHA-256, AES-256-GCM. */
    public static final int SUITE_P256 = 1;
    /** Suite 2: SM2, SM3, SM4-GCM (China's commercial algorithms, as envelope suite 2). */
    public static final int SUITE_SM2 = 2;

    static final int CODE_ID_LENGTH = 10;
    static final int MAX_MASKED_NAME_BYTES = 48;
    static final int MAX_SEALED_IDENTITY = 240;
    static final int SIGNATURE_LENGTH = 64;
    static final byte[] SIGNATURE_DOMAIN = "codebound collection code v1\0".getBytes(StandardCharsets.US_ASCII);

    private final String text;
    private final int suite;
    private final byte[] signingKeyId;
    private final String codeId;
    private final int schoolCode;
    private final int cohort;
    private final Instant notBefore;
    private final Instant notAfter;
    private final String maskedName;
    private final byte[] encryptionKeyId;
    private final byte[] keyMaterial;
    private final byte[] sealedIdentity;
    private final byte[] identityAdditionalData;
    private final byte[] signedBytes;
    private final byte[] signature;

    private CollectionCode(String text, int suite, ByteBuffer in, byte[] binary) throws CodeException {
        this.text = text;
        this.suite = suite;
        this.signingKeyId = take(in, 8);
        this.codeId = codeIdText(take(in, CODE_ID_LENGTH));
        this.schoolCode = in.getInt();
        this.cohort = Short.toUnsignedInt(in.getShort());
        this.notBefore = Instant.ofEpochSecond(uint40(in));
        this.notAfter = Instant.ofEpochSecond(uint40(in));
        int nameLength = Byte.toUnsignedInt(in.get());
        if (nameLength == 0 || nameLength > MAX_MASKED_NAME_BYTES) {
            throw new CodeException(Reason.MALFORMED, "masked name length " + nameLength + " is out of range");
        }
        this.maskedName = utf8(take(in, nameLength));
        this.encryptionKeyId = take(in, 8);
        this.keyMaterial = take(in, suite == SUITE_SM2 ? Sm2IdentitySeal.SEALED_KEY_LENGTH
                : IdentitySeal.EPHEMERAL_KEY_LENGTH);
        int sealedLength = Short.toUnsignedInt(in.getShort());
        if (sealedLength <= IdentitySeal.TAG_LENGTH || sealedLength > MAX_SEALED_IDENTITY) {
            throw new CodeException(Reason.MALFORMED, "sealed identity length " + sealedLength + " is out of range");
        }
        this.identityAdditionalData = Arrays.copyOf(binary, in.position());
        this.sealedIdentity = take(in, sealedLength);
        int signedLength = in.position();
        this.signature = take(in, SIGNATURE_LENGTH);
        if (in.hasRemaining()) {
            throw new CodeException(Reason.MALFORMED, "the collection code has " + in.remaining()
                    + " unexpected bytes after its signature");
        }
        this.signedBytes = concat(SIGNATURE_DOMAIN, Arrays.copyOf(binary, signedLength));
    }

    /**
     * Decodes a code's text (whitespace ignored, case-insensitive) without verifying it.
     *
     * @throws CodeException MALFORMED or UNSUPPORTED_VERSION
     */
    public static CollectionCode decode(String text) throws CodeException {
        if (text == null) {
            throw new CodeException(Reason.MALFORMED, "no collection code given");
        }
        String normalized = CodeText.normalize(text);
        byte[] binary = CodeText.decode(normalized, VERSION);
        ByteBuffer in = ByteBuffer.wrap(binary);
        try {
            int version = Byte.toUnsignedInt(in.get());
            if (version != VERSION) {
                throw new CodeException(Reason.UNSUPPORTED_VERSION, "collection code binary version " + version
                        + " is not supported; this software reads version " + VERSION);
            }
            int suite = Byte.toUnsignedInt(in.get());
            if (suite != SUITE_P256 && suite != SUITE_SM2) {
                throw new CodeException(Reason.UNSUPPORTED_VERSION, "collection code suite " + suite
                        + " is not supported; this software knows suites " + SUITE_P256 + " and " + SUITE_SM2);
            }
            return new CollectionCode(normalized, suite, in, binary);
        } catch (BufferUnderflowException e) {
            throw new CodeException(Reason.MALFORMED, "the collection code is truncated (" + binary.length
                    + " bytes decoded)", e);
        }
    }

    /** The canonical text: upper case, no whitespace. */
    public String text() {
        return text;
    }

    public String codeId() {
        return codeId;
    }

    /** The code's algorithm suite: {@link #SUITE_P256} or {@link #SUITE_SM2}. */
    public int suite() {
        return suite;
    }

    public int schoolCode() {
        return schoolCode;
    }

    public int cohort() {
        return cohort;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public String maskedName() {
        return maskedName;
    }

    /** Key id of the code-signing key that claims to have signed this code. */
    public byte[] signingKeyId() {
        return signingKeyId.clone();
    }

    /** Key id of the registry encryption key the identity is sealed to. */
    public byte[] encryptionKeyId() {
        return encryptionKeyId.clone();
    }

    /** Suite 1: the compressed ephemeral P-256 point; suite 2: the SM2 ciphertext of the SM4 key and nonce. */
    byte[] keyMaterial() {
        return keyMaterial.clone();
    }

    byte[] sealedIdentity() {
        return sealedIdentity.clone();
    }

    byte[] identityAdditionalData() {
        return identityAdditionalData.clone();
    }

    byte[] signedBytes() {
        return signedBytes.clone();
    }

    byte[] signature() {
        return signature.clone();
    }

    @Override
    public String toString() {
        return "CollectionCode[" + codeId + ", school " + schoolCode + ", cohort " + cohort + ", signing key "
                + HexFormat.of().formatHex(signingKeyId) + "]";
    }

    /** The text of a code id from its 10 raw bytes: 16 base32 characters. */
    static String codeIdText(byte[] raw) {
        return Base32.toBase32String(raw);
    }

    /** Writes the unsigned part of a code; {@link CodeIssuer} appends the sealed identity and signature. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Writer bytes(byte[] value) {
            out.writeBytes(value);
            return this;
        }

        Writer uint8(int value) {
            out.write(value);
            return this;
        }

        Writer uint16(int value) {
            out.write(value >>> 8);
            out.write(value);
            return this;
        }

        Writer uint32(long value) {
            return uint16((int) (value >>> 16) & 0xFFFF).uint16((int) value & 0xFFFF);
        }

        Writer uint40(long value) {
            return uint8((int) (value >>> 32) & 0xFF).uint32(value & 0xFFFFFFFFL);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    private static long uint40(ByteBuffer in) {
        long high = Byte.toUnsignedLong(in.get());
        return (high << 32) | Integer.toUnsignedLong(in.getInt());
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    private static String utf8(byte[] bytes) throws CodeException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CodeException(Reason.MALFORMED, "the masked name is not valid UTF-8", e);
        }
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }
}
