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
import java.nio.file.LinkOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Atomic, durable file replacement: write a temporary file beside the target, fsync it, rename it
 * over the target and fsync the directory. A crash at any point leaves either the old file or the
 * new one, never a torn mix; a leftover temporary file (named {@code .<name>.<random>.tmp}) is
 * harmless and is removed by {@link #removeStaleTemporaries}.
 */
public final class DurableFiles {
    /** Owner read/write only, for private keys and anything else secret. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** Owner read/write/search only, for directories that hold secrets. */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** The permission bits that let someone other than the owner in. */
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

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
     * world-readable, and missing parent directories are created with mode 0700.
     */
    public static void write(Path target, boolean ownerOnly, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (ownerOnly) {
            createMissingPrivately(directory);
        } else {
            Files.createDirectories(directory);
        }
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
     * Writes several owner-only files as {@link #writePrivate} writes one, sharing their syncs: every
     * file's bytes are written to its temporary file first, then every temporary is forced (on a
     * journaling file system the first force commits them all and the others find little left to do,
     * where forcing each as it is written commits once per file), then each is renamed over its target,
     * and each directory is synced once. Every file is replaced atomically; a crash part-way may keep
     * any of the new files and not others, each whole. Returns once all are durable.
     */
    public static void writeAllPrivate(Map<Path, byte[]> files) throws IOException {
        Map<Path, Path> temporaries = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> file : files.entrySet()) {
                Path absolute = file.getKey().toAbsolutePath();
                createMissingPrivately(absolute.getParent());
                Path temporary = createTemporary(absolute.getParent(), absolute.getFileName().toString(), true);
                temporaries.put(absolute, temporary);
                Files.write(temporary, file.getValue(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            for (Path temporary : temporaries.values()) {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            Set<Path> directories = new LinkedHashSet<>();
            for (Map.Entry<Path, Path> written : temporaries.entrySet()) {
                move(written.getValue(), written.getKey());
                directories.add(written.getKey().getParent());
            }
            for (Path directory : directories) {
                syncDirectory(directory);
            }
        } finally {
            for (Path temporary : temporaries.values()) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * Replaces {@code target} with {@code content} atomically but forces nothing to disk: a reader
     * sees the old file or the whole new one, and a crash may leave either, or an empty file. For
     * advisory files only, whose readers treat one that is missing or unreadable as absent. One
     * writer at a time per file: the temporary name is fixed ({@code .<name>.tmp}), so one a crash
     * left behind is taken over by the next write instead of piling up.
     */
    public static void replaceAdvisory(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + TEMP_SUFFIX);
        Files.write(temporary, content);
        move(temporary, absolute);
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
     * Creates {@code directory} (and missing parents) with mode 0700 from the start, where the file
     * system has POSIX permissions, and restricts it to its owner if it existed: for directories
     * that hold secrets or plaintext.
     */
    public static Path createPrivateDirectory(Path directory) throws IOException {
        createMissingPrivately(directory);
        if (isPosix(directory)) {
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        }
        return directory;
    }

    /**
     * Creates one new directory, owner-only (0700) from the start where the file system has POSIX
     * permissions; fails if it exists.
     */
    public static Path createNewPrivateDirectory(Path directory) throws IOException {
        if (isPosix(directory)) {
            return Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        return Files.createDirectory(directory);
    }

    /** Creates an empty file that is owner-only (0600) from the start where the file system has POSIX permissions. */
    public static Path createPrivateFile(Path file) throws IOException {
        if (isPosix(file)) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        return Files.createFile(file);
    }

    /** Restricts an existing file to its owner where the file system has POSIX permissions. */
    public static void restrictToOwner(Path file) throws IOException {
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    /**
     * Takes every group and other permission bit off {@code root} and everything under it (symbolic
     * links are neither followed nor changed), for a tree that older versions created with the
     * umask's modes. Does nothing where the file system has no POSIX permissions.
     *
     * @return the entries whose mode changed
     */
    public static List<Path> restrictTreeToOwner(Path root) throws IOException {
        List<Path> changed = new ArrayList<>();
        if (!isPosix(root)) {
            return changed;
        }
        try (Stream<Path> entries = Files.walk(root)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (Files.isSymbolicLink(entry)) {
                    continue;
                }
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                if (mode.removeAll(GROUP_AND_OTHERS)) {
                    Files.setPosixFilePermissions(entry, mode);
                    changed.add(entry);
                }
            }
        }
        return changed;
    }

    /** Creates each missing directory of {@code directory}'s path with mode 0700 at creation. */
    private static void createMissingPrivately(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        if (isPosix(absolute)) {
            Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } else {
            Files.createDirectories(absolute);
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
