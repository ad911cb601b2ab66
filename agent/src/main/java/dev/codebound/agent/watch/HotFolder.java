package dev.codebound.agent.watch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A folder a tethered camera writes photos into. A photo is <em>ready</em> only when it can no
 * longer be half-written: its size and modification time have not changed for the settle time,
 * and it ends with the JPEG end-of-image marker (FF D9). Hidden files and the temporary names
 * camera software writes before renaming ({@code .tmp}, {@code .part}, {@code .partial},
 * {@code .crdownload}) are never candidates, nor is anything but {@code .jpg}/{@code .jpeg}.
 *
 * <p>A photo that stops changing but never gets its end marker (a camera or cable that failed
 * mid-write) is reported once as {@linkplain Look#unfinished() unfinished} when the settle time has
 * passed, and {@linkplain Look#abandoned() abandoned} once it has stayed unchanged for the longer
 * incomplete grace: a camera may pause in the middle of writing a large file, so the settle time
 * alone would be too eager.
 *
 * <p>Handled photos move to {@code done/} under a name the caller gives, refused ones to
 * {@code rejected/} beside a {@code <name>.reason.txt} saying why; a name already taken there gets a
 * numeric suffix.
 * Not thread-safe: one watcher per folder.
 */
public final class HotFolder {
    /** Where processed photos go. */
    public static final String DONE = "done";
    /** Where refused photos go, with their reasons. */
    public static final String REJECTED = "rejected";

    private record Observation(long size, FileTime modified, long stableSinceNanos, boolean reportedUnfinished) {
        Observation reported() {
            return new Observation(size, modified, stableSinceNanos, true);
        }
    }

    /**
     * What one look at the folder found; each list in name order.
     *
     * @param arrived    candidates seen for the first time (a file moved away and back counts again)
     * @param ready      finished photos, to be taken
     * @param unfinished photos unchanged for the settle time but without the end marker, each
     *                   listed once, to be reported
     * @param abandoned  photos unchanged for the incomplete grace and still without the end marker,
     *                   listed at every look until the caller moves them away
     * @param departed   candidates seen before that are gone now
     */
    public record Look(List<Path> arrived, List<Path> ready, List<Path> unfinished, List<Path> abandoned,
            List<Path> departed) {}

    private final Path directory;
    private final Duration settle;
    private final Duration incompleteGrace;
    private final LongSupplier nanoTime;
    private final Map<Path, Observation> observed = new HashMap<>();

    /**
     * @param incompleteGrace how long a photo without the end marker may stay unchanged before it
     *                        is abandoned; at least {@code settle}
     * @param nanoTime        a monotonic clock ({@code System::nanoTime})
     */
    public HotFolder(Path directory, Duration settle, Duration incompleteGrace, LongSupplier nanoTime) {
        if (incompleteGrace.compareTo(settle) < 0) {
            throw new IllegalArgumentException("the incomplete grace must be at least the settle time");
        }
        this.directory = directory;
        this.settle = settle;
        this.incompleteGrace = incompleteGrace;
        this.nanoTime = nanoTime;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Looks at the folder and returns the photos that are ready, in name order. Call it repeatedly
     * (every poll); a file is ready once it has looked the same for the settle time.
     */
    public List<Path> ready() throws IOException {
        return look().ready();
    }

    /** Looks at the folder; call it every poll (see {@link Look}). */
    public Look look() throws IOException {
        long now = nanoTime.getAsLong();
        Map<Path, Observation> seen = new HashMap<>();
        List<Path> arrived = new ArrayList<>();
        List<Path> ready = new ArrayList<>();
        List<Path> unfinished = new ArrayList<>();
        List<Path> abandoned = new ArrayList<>();
        for (Path file : candidates()) {
            long size;
            FileTime modified;
            try {
                size = Files.size(file);
                modified = Files.getLastModifiedTime(file);
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            }
            Observation before = observed.get(file);
            if (before == null) {
                arrived.add(file);
            }
            Observation current = before != null && before.size() == size && before.modified().equals(modified)
                    ? before : new Observation(size, modified, now, false);
            long unchangedFor = now - current.stableSinceNanos();
            if (unchangedFor >= settle.toNanos()) {
                if (endsWithEndOfImage(file)) {
                    ready.add(file);
                } else if (unchangedFor >= incompleteGrace.toNanos()) {
                    abandoned.add(file);
                } else if (!current.reportedUnfinished()) {
                    unfinished.add(file);
                    current = current.reported();
                }
            }
            seen.put(file, current);
        }
        List<Path> departed = new ArrayList<>(observed.keySet());
        departed.removeAll(seen.keySet());
        observed.clear();
        observed.putAll(seen);
        for (List<Path> list : List.of(arrived, ready, unfinished, abandoned, departed)) {
            list.sort(null);
        }
        return new Look(List.copyOf(arrived), List.copyOf(ready), List.copyOf(unfinished), List.copyOf(abandoned),
                List.copyOf(departed));
    }

    /**
     * The identities of every regular file directly in the folder now, whatever its name (hidden
     * and temporary names included): see {@link #identity(Path)}.
     */
    public Set<Object> identities() throws IOException {
        Set<Object> identities = new HashSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        identities.add(attributes.fileKey() != null ? attributes.fileKey() : file);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // gone meanwhile: it cannot turn up later under another name
                }
            }
        }
        return identities;
    }

    /**
     * A file's identity: its file key (device and inode on Linux), which a rename within the folder
     * keeps, so a {@code .part} file renamed to {@code .jpg} is still the file that was there; the
     * path where the file system has no file keys.
     */
    public Object identity(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file;
    }

    /**
     * Moves a handled photo into {@code done/} under the name {@code doneName} (the station names it
     * after its spool entry; see {@code dev.codebound.agent.retention.SealedOriginals}).
     */
    public Path markDone(Path photo, String doneName) throws IOException {
        observed.remove(photo);
        return moveInto(photo, DONE, doneName);
    }

    /** The photos in the folder now, finished or not, in no particular order. */
    public List<Path> photos() throws IOException {
        return candidates();
    }

    /** Moves a refused photo into {@code rejected/} and writes its reason beside it. */
    public Path markRejected(Path photo, String reason) throws IOException {
        observed.remove(photo);
        Path moved = moveInto(photo, REJECTED, photo.getFileName().toString());
        Files.writeString(moved.resolveSibling(moved.getFileName() + ".reason.txt"), reason + "\n",
                StandardCharsets.UTF_8);
        return moved;
    }

    /** Forgets a photo that was deleted after handling. */
    public void forget(Path photo) {
        observed.remove(photo);
    }

    private List<Path> candidates() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).filter(file -> isPhotoName(file.getFileName().toString()))
                    .toList();
        }
    }

    static boolean isPhotoName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith(".") && (lower.endsWith(".jpg") || lower.endsWith(".jpeg"));
    }

    private static boolean endsWithEndOfImage(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < 4) {
                return false;
            }
            in.seek(length - 2);
            return in.read() == 0xFF && in.read() == 0xD9;
        } catch (java.io.FileNotFoundException e) {
            return false;
        }
    }

    private Path moveInto(Path photo, String subdirectory, String name) throws IOException {
        Path target = Files.createDirectories(directory.resolve(subdirectory));
        int dot = name.lastIndexOf('.');
        for (int suffix = 0; ; suffix++) {
            Path candidate = target.resolve(suffix == 0 ? name
                    : name.substring(0, dot) + "-" + suffix + name.substring(dot));
            try {
                // Not ATOMIC_MOVE: on Linux that is rename(2), which silently replaces an existing file.
                return Files.move(photo, candidate);
            } catch (FileAlreadyExistsException e) {
                // Another photo of that name was handled before (a camera counter that wrapped): try the next name.
            }
        }
    }
}
