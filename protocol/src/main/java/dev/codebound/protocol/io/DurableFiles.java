package dev.codebound.protocol.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Atomic, durable file replacement: write a temporary file beside the target, fsync it, rename it
 * over the target and fsync the directory. A crash at any point leaves either the old file or the
 * new one, never a torn mix; a leftover temporary file (named {@code .<name>.<random>.tmp}) is
 * harmless and is removed by {@link #removeStaleTemporaries}.
 */
public final class DurableFiles {
    /** Owner read/write only, for private keys and anything else secret. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {}

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Atomically replaces {@code target} with {@code content}, readable as the umask allows. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, false, out -> out.write(content));
    }

    /** Atomically replaces {@code target} with {@code content}, readable by the owner only. */
    public static void writePrivate(Path target, byte[] content) throws IOException {
        write(target, true, out -> out.write(content));
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} produces. When {@code ownerOnly},
     * the file is created with mode 0600 before any byte is written, so a secret is never briefly
     * world-readable.
     */
    public static void write(Path target, boolean ownerOnly, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = createTemporary(directory, absolute.getFileName().toString(), ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                writer.writeTo(new NonClosingOutputStream(out));
                out.flush();
                channel.force(true);
            }
            move(temporary, absolute);
            syncDirectory(directory);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Flushes a directory's entries (new, renamed or deleted files) to disk. Some platforms cannot
     * open a directory for sync; there the rename's own durability is all we get.
     */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (isPosix(directory)) {
                throw e;
            }
        }
    }

    /** Appends bytes to a file and forces them to disk before returning. */
    public static void appendDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Deletes temporary files left in {@code directory} by writes that a crash interrupted. */
    public static void removeStaleTemporaries(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var entries = Files.newDirectoryStream(directory, ".*" + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        }
    }

    /**
     * Creates {@code directory} (and parents) if missing and restricts it to its owner (mode 0700)
     * where the file system has POSIX permissions: for directories that hold secrets or plaintext.
     */
    public static Path createPrivateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        if (isPosix(directory)) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
        return directory;
    }

    /** Restricts an existing file to its owner where the file system has POSIX permissions. */
    public static void restrictToOwner(Path file) throws IOException {
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static Path createTemporary(Path directory, String name, boolean ownerOnly) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] nonce = new byte[6];
            RANDOM.nextBytes(nonce);
            Path candidate = directory.resolve("." + name + "." + HexFormat.of().formatHex(nonce) + TEMP_SUFFIX);
            try {
                if (ownerOnly && isPosix(directory)) {
                    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
                    return Files.createFile(candidate, mode);
                }
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot atomically replace " + target + ": the file system does not support "
                    + "atomic rename; keep Codebound data on a local POSIX file system", e);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Keeps a writer from closing the channel before we have forced it. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
