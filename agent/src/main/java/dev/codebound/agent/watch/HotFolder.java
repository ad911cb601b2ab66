package dev.codebound.agent.watch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A folder a tethered camera writes photos into. A photo is <em>ready</em> only when it can no
 * longer be half-written: its size and modification time have not changed for the settle time,
 * and it ends with the JPEG end-of-image marker (FF D9). Hidden files and the temporary names
 * camera software writes before renaming ({@code .tmp}, {@code .part}, {@code .partial},
 * {@code .crdownload}) are never candidates, nor is anything but {@code .jpg}/{@code .jpeg}.
 *
 * <p>Handled photos move to {@code done/}, refused ones to {@code rejected/} beside a
 * {@code <name>.reason.txt} saying why; a name already taken there gets a numeric suffix.
 * Not thread-safe: one watcher per folder.
 */
public final class HotFolder {
    /** Where processed photos go. */
    public static final String DONE = "done";
    /** Where refused photos go, with their reasons. */
    public static final String REJECTED = "rejected";

    private record Observation(long size, FileTime modified, long stableSinceNanos) {}

    private final Path directory;
    private final Duration settle;
    private final LongSupplier nanoTime;
    private final Map<Path, Observation> observed = new HashMap<>();

    public HotFolder(Path directory, Duration settle, LongSupplier nanoTime) {
        this.directory = directory;
        this.settle = settle;
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
        long now = nanoTime.getAsLong();
        Map<Path, Observation> seen = new HashMap<>();
        List<Path> ready = new ArrayList<>();
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
            Observation current = before != null && before.size() == size && before.modified().equals(modified)
                    ? before : new Observation(size, modified, now);
            seen.put(file, current);
            if (now - current.stableSinceNanos() >= settle.toNanos() && endsWithEndOfImage(file)) {
                ready.add(file);
            }
        }
        observed.clear();
        observed.putAll(seen);
        ready.sort(null);
        return ready;
    }

    /** Moves a handled photo into {@code done/}. */
    public Path markDone(Path photo) throws IOException {
        observed.remove(photo);
        return moveInto(photo, DONE);
    }

    /** Moves a refused photo into {@code rejected/} and writes its reason beside it. */
    public Path markRejected(Path photo, String reason) throws IOException {
        observed.remove(photo);
        Path moved = moveInto(photo, REJECTED);
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

    private Path moveInto(Path photo, String subdirectory) throws IOException {
        Path target = Files.createDirectories(directory.resolve(subdirectory));
        String name = photo.getFileName().toString();
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
