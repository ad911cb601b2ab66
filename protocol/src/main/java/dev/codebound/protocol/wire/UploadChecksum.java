package dev.codebound.protocol.wire;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The tus checksum extension's {@code Upload-Checksum} header: an algorithm name, one space, and
 * the base64 digest of the request body.
 *
 * @param algorithm a tus algorithm name ({@code sha256} or {@code sha1})
 * @param digest    the raw digest bytes
 */
public record UploadChecksum(String algorithm, byte[] digest) {
    /** Parses a header value; fails on an unsupported algorithm or a digest of the wrong length. */
    public static UploadChecksum parse(String header) throws WireFormatException {
        String[] parts = header.strip().split(" ", -1);
        if (parts.length != 2) {
            throw new WireFormatException("Upload-Checksum must be '<algorithm> <base64 digest>'");
        }
        String algorithm = parts[0].toLowerCase(Locale.ROOT);
        int expectedLength = switch (algorithm) {
            case "sha256" -> 32;
            case "sha1" -> 20;
            default -> throw new WireFormatException("Upload-Checksum algorithm '" + parts[0]
                    + "' is not supported; use one of " + Tus.CHECKSUM_ALGORITHMS);
        };
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("Upload-Checksum digest is not valid base64");
        }
        if (digest.length != expectedLength) {
            throw new WireFormatException("Upload-Checksum " + algorithm + " digest must be " + expectedLength
                    + " bytes, got " + digest.length);
        }
        return new UploadChecksum(algorithm, digest);
    }

    /** A fresh JCA digest for this algorithm. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }

    /** Whether {@code computed} equals the declared digest, compared in constant time. */
    public boolean matches(byte[] computed) {
        return MessageDigest.isEqual(digest, computed);
    }

    /** The header value for a SHA-256 digest. */
    public static String sha256Header(byte[] digest) {
        return "sha256 " + Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UploadChecksum that && algorithm.equals(that.algorithm)
                && MessageDigest.isEqual(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "UploadChecksum[" + algorithm + "]";
    }
}
