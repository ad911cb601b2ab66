package dev.codebound.server.objects;

import dev.codebound.protocol.io.DurableFiles;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Exactly {@code length} bytes of a caller's stream, copied to a private temporary file while their
 * MD5 is computed: S3 checks a request's body against the {@code Content-MD5} sent before it, so the
 * digest must be known before the first byte goes out, and a body in a file can be sent again when
 * the SDK retries. The bytes pass through a small buffer, never all in memory (as tusd's S3 store
 * buffers its parts in temporary files). Closing deletes the file.
 */
final class SpooledContent implements Closeable {
    private static final String PREFIX = "spool-";
    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final long length;
    private final String md5Base64;

    private SpooledContent(Path file, long length, String md5Base64) {
        this.file = file;
        this.length = length;
        this.md5Base64 = md5Base64;
    }

    /**
     * Copies exactly {@code length} bytes of {@code content} into a new file in {@code directory}.
     *
     * @throws EOFException if {@code content} ends first (the file is deleted)
     */
    static SpooledContent copy(Path directory, InputStream content, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        MessageDigest md5 = md5();
        Path file = Files.createTempFile(directory, PREFIX, ".tmp");
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            long remaining = length;
            while (remaining > 0) {
                int read = content.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read < 0) {
                    throw new EOFException("the content ended after " + (length - remaining) + " of the " + length
                            + " bytes announced; nothing was stored");
                }
                md5.update(buffer, 0, read);
                out.write(buffer, 0, read);
                remaining -= read;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new SpooledContent(file, length, Base64.getEncoder().encodeToString(md5.digest()));
    }

    /**
     * Makes {@code directory} (owner-only) and deletes what a crashed process left in it: spooled
     * bytes are only ever in flight.
     */
    static void prepare(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            DurableFiles.createPrivateDirectory(directory);
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, PREFIX + "*")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** The MD5 of bytes, as the {@code Content-MD5} header carries it. */
    static String md5Base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(md5().digest(bytes));
    }

    Path file() {
        return file;
    }

    long length() {
        return length;
    }

    String md5Base64() {
        return md5Base64;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
