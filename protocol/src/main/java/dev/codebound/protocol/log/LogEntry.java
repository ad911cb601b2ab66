package dev.codebound.protocol.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One accepted photo envelope as the transparency log records it: what was accepted, under which
 * collection code, from which station and when. It carries no personal data. Its canonical
 * encoding (format version 1, big-endian) is the Merkle leaf:
 *
 * <pre>
 * offset   length  field
 * 0        1       format version, 0x01
 * 1        32      SHA-256 of the envelope (the CMS bytes as uploaded)
 * 33       8       accepted time, milliseconds since 1970-01-01T00:00:00Z, signed
 * 41       1       code id length C, 1..64
 * 42       C       code id, printable ASCII (0x21..0x7E)
 * 42+C     1       station id length S, 1..64
 * 43+C     S       station id, printable ASCII (0x21..0x7E)
 * </pre>
 *
 * <p>The encoding is 45 to 171 bytes long and has exactly one form per entry; its leaf hash is
 * SHA-256(0x00 || encoding).
 *
 * @param envelopeSha256 the SHA-256 of the accepted envelope, 32 bytes
 * @param codeId         the collection code's id
 * @param stationId      the uploading station's id (its certificate's common name)
 * @param acceptedAt     when the registry accepted the envelope; kept to the millisecond
 */
public record LogEntry(byte[] envelopeSha256, String codeId, String stationId, Instant acceptedAt) {
    /** The only format version so far. */
    public static final int FORMAT_VERSION = 1;
    /** The longest an identifier may be, in bytes. */
    public static final int MAX_ID_LENGTH = 64;
    /** The longest a version-1 encoding can be. */
    public static final int MAX_ENCODED_LENGTH = 1 + 32 + 8 + 1 + MAX_ID_LENGTH + 1 + MAX_ID_LENGTH;

    private static final int MIN_ENCODED_LENGTH = 1 + 32 + 8 + 1 + 1 + 1 + 1;

    /**
     * Validates the fields and truncates {@code acceptedAt} to milliseconds so that an entry equals
     * its decoded encoding.
     *
     * @throws IllegalArgumentException if the hash is not 32 bytes or an id is empty, too long or
     *                                  not printable ASCII
     */
    public LogEntry {
        Objects.requireNonNull(envelopeSha256, "envelopeSha256");
        if (envelopeSha256.length != 32) {
            throw new IllegalArgumentException("envelope SHA-256 must be 32 bytes, got " + envelopeSha256.length);
        }
        envelopeSha256 = envelopeSha256.clone();
        requireId(codeId, "code id");
        requireId(stationId, "station id");
        acceptedAt = Instant.ofEpochMilli(Objects.requireNonNull(acceptedAt, "acceptedAt").toEpochMilli());
    }

    /** The envelope's SHA-256 (a copy). */
    @Override
    public byte[] envelopeSha256() {
        return envelopeSha256.clone();
    }

    /** The canonical encoding: the Merkle leaf. */
    public byte[] encode() {
        byte[] code = codeId.getBytes(StandardCharsets.US_ASCII);
        byte[] station = stationId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(MIN_ENCODED_LENGTH - 2 + code.length + station.length);
        out.put((byte) FORMAT_VERSION);
        out.put(envelopeSha256);
        out.putLong(acceptedAt.toEpochMilli());
        out.put((byte) code.length).put(code);
        out.put((byte) station.length).put(station);
        return out.array();
    }

    /** The Merkle leaf hash of this entry: SHA-256(0x00 || encoding). */
    public byte[] leafHash() {
        return MerkleHashes.leafHash(encode());
    }

    /**
     * Decodes a canonical encoding, rejecting anything that {@link #encode} would not produce.
     *
     * @throws IllegalArgumentException naming the first malformed field
     */
    public static LogEntry decode(byte[] encoded) {
        if (encoded.length < MIN_ENCODED_LENGTH || encoded.length > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("a log entry is " + MIN_ENCODED_LENGTH + ".." + MAX_ENCODED_LENGTH
                    + " bytes, got " + encoded.length);
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        int version = in.get() & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("log entry format version " + version + " is not supported");
        }
        byte[] sha256 = new byte[32];
        in.get(sha256);
        Instant acceptedAt = Instant.ofEpochMilli(in.getLong());
        String codeId = readId(in, "code id");
        String stationId = readId(in, "station id");
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("log entry has " + in.remaining() + " trailing bytes");
        }
        return new LogEntry(sha256, codeId, stationId, acceptedAt);
    }

    private static String readId(ByteBuffer in, String what) {
        if (!in.hasRemaining()) {
            throw new IllegalArgumentException("log entry ends before the " + what);
        }
        int length = in.get() & 0xFF;
        if (length > in.remaining()) {
            throw new IllegalArgumentException("log entry " + what + " length " + length + " runs past the end");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * The rule for the code and station ids a log entry carries, for whatever else claims to name
     * one (a receipt): 1 to {@value #MAX_ID_LENGTH} printable ASCII characters without spaces.
     *
     * @throws IllegalArgumentException naming {@code what} and the first character that breaks it
     */
    public static void requireId(String id, String what) {
        Objects.requireNonNull(id, what);
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_ID_LENGTH + " characters, got "
                    + id.length());
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException(what + " must be printable ASCII without spaces; character "
                        + i + " is U+" + String.format("%04X", (int) c));
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry that && MessageDigest.isEqual(envelopeSha256, that.envelopeSha256)
                && codeId.equals(that.codeId) && stationId.equals(that.stationId)
                && acceptedAt.equals(that.acceptedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(envelopeSha256), codeId, stationId, acceptedAt);
    }

    @Override
    public String toString() {
        return "LogEntry[envelope=" + HexFormat.of().formatHex(envelopeSha256) + ", code=" + codeId + ", station="
                + stationId + ", acceptedAt=" + acceptedAt + "]";
    }
}
