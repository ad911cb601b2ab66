package dev.codebound.server.objects;

import dev.codebound.protocol.io.DurableFiles;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} over a directory: the store of a single node, and of several nodes that
 * mount the same directory (a shared file system that honours fsync and atomic rename, such as NFS
 * v4 with {@code sync}).
 *
 * <pre>
 * objects/&lt;name&gt;              one file per object; the name is the key with "/" written "%2F"
 * multipart/&lt;upload id&gt;/key     the key a multipart upload will complete
 * multipart/&lt;upload id&gt;/&lt;n&gt;     part n
 * tmp/                         files being written, renamed into place once forced
 * </pre>
 *
 * <p><b>Atomic and durable</b>: every object and part is written to a fresh file in {@code tmp/},
 * forced, renamed over its place and the directory forced, so that a reader or a crash sees the old
 * object or the new one whole. A leftover in {@code tmp/} is never read and is removed when the
 * store opens. Objects are never written in place, so a {@link #copy} is a hard link where the file
 * system has them (no bytes are read), and a copy otherwise.
 *
 * <p><b>Names</b>: "%" is outside the key alphabet, so the flat name is one-to-one with the key, and
 * keys "a" and "a/b" coexist as in S3. A name longer than a file system allows (a key of more than
 * {@value #NAME_CHUNK} characters once encoded) is split into directories of that many
 * characters, each suffixed "+" (outside the key alphabet too), so that a file and a directory
 * never share a name.
 *
 * <p><b>Multipart</b>: a part's etag is the hex SHA-256 of its bytes; completion concatenates the
 * listed parts into a new object while checking each one's etag and length, then removes the
 * upload's directory. A completed upload completed again with the same parts succeeds when the
 * object stands with the parts' total length (the upload's directory is gone by then). Deletion
 * needs no fsync: an object that a crash brings back is one its owner's records no longer name,
 * and the owner's recovery deletes it again.
 */
public final class FileObjectStore implements ObjectStore {
    /** S3's smallest part that is not the last. */
    public static final long S3_MINIMUM_PART_SIZE = 5L << 20;
    static final int NAME_CHUNK = 200;
    private static final int MAX_PARTS = 10_000;
    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String SLASH = "%2F";
    private static final String CHUNK_SUFFIX = "+";
    private static final String KEY_FILE = "key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path objects;
    private final Path multipart;
    private final Path temporary;
    private final long minimumPartSize;

    /** A store under {@code root} (created owner-only if missing) with S3's minimum part size. */
    public FileObjectStore(Path root) throws IOException {
        this(root, S3_MINIMUM_PART_SIZE);
    }

    /**
     * A store under {@code root} whose parts, except the last, must be at least
     * {@code minimumPartSize} bytes: S3's 5 MiB in production, less in tests that exercise
     * multipart uploads with small bytes.
     */
    public FileObjectStore(Path root, long minimumPartSize) throws IOException {
        if (minimumPartSize < 1) {
            throw new IllegalArgumentException("the minimum part size must be positive, not " + minimumPartSize);
        }
        Path absolute = DurableFiles.createPrivateDirectory(root.toAbsolutePath());
        this.objects = DurableFiles.createPrivateDirectory(absolute.resolve("objects"));
        this.multipart = DurableFiles.createPrivateDirectory(absolute.resolve("multipart"));
        this.temporary = DurableFiles.createPrivateDirectory(absolute.resolve("tmp"));
        this.minimumPartSize = minimumPartSize;
        // Another node's write may be under way in a shared tmp/: only leftovers older than a day go.
        removeOldTemporaries();
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        Path target = file(key);
        install(write(out -> out.write(bytes)), target);
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        Path target = file(key);
        install(write(out -> copyExactly(content, out, length)), target);
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return Files.newInputStream(file(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key);
        }
    }

    @Override
    public Optional<Long> length(String key) throws IOException {
        try {
            return Optional.of(Files.size(file(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void copy(String from, String to) throws IOException {
        Path source = file(from);
        Path target = file(to);
        Path link = temporary.resolve(randomName());
        try {
            Files.createLink(link, source);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(from);
        } catch (UnsupportedOperationException | FileSystemException e) {
            // No hard links here: copy the bytes instead (the source never changes in place either way).
            try (InputStream in = open(from)) {
                link = write(out -> in.transferTo(out));
            }
        }
        install(link, target);
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(objects)) {
            for (Path path : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String key = keyOf(objects.relativize(path));
                if (key.startsWith(prefix)) {
                    keys.add(key);
                }
            }
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    @Override
    public long minimumPartSize() {
        return minimumPartSize;
    }

    @Override
    public String beginMultipart(String key) throws IOException {
        file(key);
        String uploadId = randomName();
        Path directory = DurableFiles.createNewPrivateDirectory(multipart.resolve(uploadId));
        install(write(out -> out.write(key.getBytes(StandardCharsets.US_ASCII))), directory.resolve(KEY_FILE));
        DurableFiles.syncDirectory(multipart);
        return uploadId;
    }

    @Override
    public Part uploadPart(String key, String uploadId, int partNumber, InputStream content, long length)
            throws IOException {
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw new IllegalArgumentException("a part number is 1 to " + MAX_PARTS + ", not " + partNumber);
        }
        Path directory = upload(key, uploadId);
        MessageDigest digest = sha256();
        Path written = write(out -> copyExactly(content, new DigestOutputStream(out, digest), length));
        install(written, directory.resolve(Integer.toString(partNumber)));
        return new Part(partNumber, HexFormat.of().formatHex(digest.digest()), length);
    }

    @Override
    public void completeMultipart(String key, String uploadId, List<Part> parts) throws IOException {
        Path target = file(key);
        checkOrder(parts);
        long total = parts.stream().mapToLong(Part::length).sum();
        Path directory = multipart.resolve(checkedUploadId(uploadId));
        if (!Files.isDirectory(directory) && length(key).orElse(-1L) == total) {
            return; // completed before, by this call's earlier try
        }
        upload(key, uploadId);
        for (int i = 0; i < parts.size() - 1; i++) {
            if (parts.get(i).length() < minimumPartSize) {
                throw new IOException("part " + parts.get(i).number() + " of " + key + " holds "
                        + parts.get(i).length() + " bytes; every part but the last needs at least "
                        + minimumPartSize);
            }
        }
        install(write(out -> {
            for (Part part : parts) {
                appendPart(directory, key, part, out);
            }
        }), target);
        deleteTree(directory);
    }

    @Override
    public void abortMultipart(String key, String uploadId) throws IOException {
        file(key);
        deleteTree(multipart.resolve(checkedUploadId(uploadId)));
    }

    /** Nothing to release: every operation opened and closed its own files. */
    @Override
    public void close() {
    }

    /** Appends one part to {@code out} after checking it is the part the caller uploaded. */
    private static void appendPart(Path directory, String key, Part part, OutputStream out) throws IOException {
        Path file = directory.resolve(Integer.toString(part.number()));
        MessageDigest digest = sha256();
        long copied;
        try (InputStream in = Files.newInputStream(file)) {
            copied = in.transferTo(new DigestOutputStream(out, digest));
        } catch (NoSuchFileException e) {
            throw new IOException("part " + part.number() + " of the multipart upload of " + key
                    + " was never uploaded", e);
        }
        if (copied != part.length() || !HexFormat.of().formatHex(digest.digest()).equals(part.etag())) {
            throw new IOException("part " + part.number() + " of the multipart upload of " + key
                    + " is not the part listed (etag or length differ): it was uploaded again since");
        }
    }

    private static void checkOrder(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload completes with at least one part");
        }
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).number() <= parts.get(i - 1).number()) {
                throw new IllegalArgumentException("parts must be listed in ascending order of their numbers");
            }
        }
    }

    /** The directory of a multipart upload of {@code key} that exists. */
    private Path upload(String key, String uploadId) throws IOException {
        file(key);
        Path directory = multipart.resolve(checkedUploadId(uploadId));
        String begun;
        try {
            begun = Files.readString(directory.resolve(KEY_FILE), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("no multipart upload " + uploadId + " (never begun, completed or aborted)", e);
        }
        if (!begun.equals(key)) {
            throw new IOException("multipart upload " + uploadId + " is of another key");
        }
        return directory;
    }

    private static String checkedUploadId(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new IllegalArgumentException("not an upload id of this store: " + uploadId);
        }
        return uploadId;
    }

    /** Writes a new file in {@code tmp/} and forces it; the caller installs or deletes it. */
    private Path write(DurableFiles.ContentWriter writer) throws IOException {
        Path file = DurableFiles.createPrivateFile(temporary.resolve(randomName()));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(channel)) {
            writer.writeTo(out);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /** Renames a forced file over {@code target} and forces the directory that names it. */
    private static void install(Path written, Path target) throws IOException {
        try {
            Files.createDirectories(target.getParent());
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(written);
            throw e;
        }
        DurableFiles.syncDirectory(target.getParent());
    }

    private static void copyExactly(InputStream content, OutputStream out, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("a length is not negative, got " + length);
        }
        byte[] buffer = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int read = content.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new EOFException("the content ended " + remaining + " bytes short of " + length);
            }
            out.write(buffer, 0, read);
            remaining -= read;
        }
    }

    /** The file of the object under {@code key}, after checking the key. */
    Path file(String key) {
        ObjectKeys.check(key);
        String name = key.replace("/", SLASH);
        Path file = objects;
        while (name.length() > NAME_CHUNK) {
            file = file.resolve(name.substring(0, NAME_CHUNK) + CHUNK_SUFFIX);
            name = name.substring(NAME_CHUNK);
        }
        return file.resolve(name);
    }

    private static String keyOf(Path relative) {
        StringBuilder name = new StringBuilder();
        for (Path segment : relative) {
            String part = segment.toString();
            name.append(part.endsWith(CHUNK_SUFFIX) ? part.substring(0, part.length() - 1) : part);
        }
        return name.toString().replace(SLASH, "/");
    }

    private void removeOldTemporaries() throws IOException {
        long dayAgo = System.currentTimeMillis() - 24L * 3600 * 1000;
        try (Stream<Path> files = Files.list(temporary)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.getLastModifiedTime(file).toMillis() < dayAgo) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException e) {
                    // Another node installed or removed it meanwhile.
                }
            }
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.walk(directory)) {
            for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
        } catch (NoSuchFileException e) {
            // Removed meanwhile by a concurrent abort or completion retry: gone either way.
        }
    }

    private static String randomName() {
        return HexFormat.of().formatHex(randomBytes());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "FileObjectStore[" + objects.getParent() + "]";
    }
}
