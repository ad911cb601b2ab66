package dev.codebound.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Stand-in envelope files: the spool and the uploader treat envelopes as opaque bytes, so seeded
 * random bytes exercise them as well as real CMS would, and much faster.
 */
public final class Envelopes {
    private Envelopes() {}

    /** Seeded random bytes that start like a DER/BER SEQUENCE, as every CMS envelope does. */
    public static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        data[0] = 0x30;
        return data;
    }

    public static Path write(Path directory, String name, int length, long seed) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        Files.write(file, bytes(length, seed));
        return file;
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
