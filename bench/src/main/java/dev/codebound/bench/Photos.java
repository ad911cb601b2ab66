package dev.codebound.bench;

import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Synthetic photos: {@link #jpeg(long)}, portraits within the registry's photo specification, which
 * its acceptance checks; and {@link #photo(int, long)}, a JPEG start-of-image marker followed by
 * incompressible seeded bytes, for envelopes larger than any acceptable photo (acceptance refuses
 * those unread, {@code ENVELOPE_TOO_LARGE}, after their whole transfer).
 */
public final class Photos {
    /** A "45 KB" photo as the issue states it (the spec's photos are 20–40 KB; 45 KB is the upper end). */
    public static final int SMALL = 45 * 1024;
    /** A camera original kept at the station. */
    public static final int LARGE = 8 * 1024 * 1024;

    private Photos() {}

    /** Whether a photo of {@code length} bytes can meet the photo specification (which bounds its size). */
    public static boolean withinSpecification(long length) {
        return length <= PhotoSpec.defaults().maxFileBytes();
    }

    /**
     * A photo that meets the registry's photo specification, about {@link #SMALL} bytes (480×640, 300 dpi,
     * quality 85, noise raised to bring it near 45 KB; a typical-size WARNING, no error), different for
     * every seed: one portrait, drawn once, with the seed in a comment segment (COM) after its JFIF
     * header. Drawing a portrait per photo costs about a second; a bench needs hundreds.
     */
    public static byte[] jpeg(long seed) {
        byte[] portrait = Portrait.BYTES;
        // SOI (2 bytes), then APP0 JFIF: marker (2) and its length (2, counting itself).
        int afterJfif = 4 + ((portrait[4] & 0xFF) << 8 | (portrait[5] & 0xFF));
        byte[] text = ("codebound bench photo " + seed).getBytes(StandardCharsets.US_ASCII);
        int segment = 4 + text.length;
        byte[] photo = new byte[portrait.length + segment];
        System.arraycopy(portrait, 0, photo, 0, afterJfif);
        photo[afterJfif] = (byte) 0xFF;
        photo[afterJfif + 1] = (byte) 0xFE;
        photo[afterJfif + 2] = (byte) ((segment - 2) >> 8);
        photo[afterJfif + 3] = (byte) (segment - 2);
        System.arraycopy(text, 0, photo, afterJfif + 4, text.length);
        System.arraycopy(portrait, afterJfif, photo, afterJfif + segment, portrait.length - afterJfif);
        return photo;
    }

    /** The portrait behind {@link #jpeg(long)}, drawn on first use. */
    private static final class Portrait {
        static final byte[] BYTES = SamplePhotos.builder(45).noise(4).jpeg();
    }

    public static byte[] photo(int length, long seed) {
        byte[] photo = new byte[length];
        new SplittableRandom(seed).nextBytes(photo);
        byte[] soi = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};
        System.arraycopy(soi, 0, photo, 0, Math.min(length, soi.length));
        return photo;
    }

    /** Writes a {@code length}-byte photo to {@code file} in 1 MiB pieces (for photos too big for the heap). */
    public static void write(Path file, long length, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] piece = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; ) {
                random.nextBytes(piece);
                if (written == 0) {
                    piece[0] = (byte) 0xFF;
                    piece[1] = (byte) 0xD8;
                }
                int n = (int) Math.min(piece.length, length - written);
                out.write(piece, 0, n);
                written += n;
            }
        }
    }
}
