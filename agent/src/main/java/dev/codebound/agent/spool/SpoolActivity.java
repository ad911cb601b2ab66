package dev.codebound.agent.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Who holds a spool's lock, and which entries it is sending right now: an advisory record
 * ({@code spool/.activity}) that lets {@code status}, which never takes the lock, say that an
 * upload is running. The entries' durable states cannot say it: a small envelope goes from QUEUED
 * to DELIVERED in one creation-with-upload request.
 *
 * <p>It is not durable state. It is rewritten (temporary file, atomic rename, no fsync) when the
 * lock is taken and, at most every {@link #COALESCE_MILLIS} ms, after entries start or finish (the
 * upload workers' changes in between go out in one write, by a daemon thread started with the
 * first change: two rewrites per envelope cost about 0.3 ms of CPU, under a monitor the workers
 * share), deleted before the lock is released, and
 * believed by {@link #read} only while the process it names is alive and still holds the spool's
 * OS lock: a record left behind by a killed process is ignored. A failed write is ignored too; the
 * spool works the same, and {@code status} then just does not see the upload.
 */
public final class SpoolActivity {
    static final String FILE = ".activity";
    /** How long a change waits for others to share its write; {@code status} lags the workers by at most this. */
    static final long COALESCE_MILLIS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    /**
     * What a running holder published.
     *
     * @param command the agent command holding the spool ({@code upload}, {@code capture}, {@code watch}...),
     *                or {@code null} when it did not say
     * @param pid     its process id
     * @param since   when it took the lock
     * @param entries the entries it is sending now, in the order they started
     */
    public record Snapshot(String command, long pid, Instant since, List<String> entries) {}

    private final Path file;
    private final String command;
    private final Instant since;
    /** This process's start, read once: {@link ProcessHandle.Info} reads several files under /proc each time. */
    private final String processStart;
    private final Set<String> sending = new LinkedHashSet<>();
    private ScheduledExecutorService writer;
    private boolean writeScheduled;
    private boolean withdrawn;

    private SpoolActivity(Path file, String command, Instant since) {
        this.file = file;
        this.command = command;
        this.since = since;
        this.processStart = ProcessHandle.current().info().startInstant().map(Instant::toString).orElse(null);
    }

    /** Publishes the lock's new holder; called by {@link Spool#open} once it holds the lock. */
    static SpoolActivity publish(Path spoolDirectory, String command, Instant since) {
        SpoolActivity activity = new SpoolActivity(spoolDirectory.resolve(FILE), command, since);
        activity.write();
        return activity;
    }

    /** The entry's upload started (or resumed) in this process; published within {@link #COALESCE_MILLIS}. */
    public synchronized void started(String entryId) {
        sending.add(entryId);
        scheduleWrite();
    }

    /** The entry's upload attempt in this process is over, whatever its outcome; published as {@link #started}. */
    public synchronized void finished(String entryId) {
        sending.remove(entryId);
        scheduleWrite();
    }

    private void scheduleWrite() {
        if (writeScheduled || withdrawn) {
            return;
        }
        if (writer == null) {
            writer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "spool-activity");
                thread.setDaemon(true);
                return thread;
            });
        }
        writeScheduled = true;
        writer.schedule(this::scheduledWrite, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void scheduledWrite() {
        writeScheduled = false;
        if (!withdrawn) {
            write();
        }
    }

    /**
     * Removes the record and drops any write still scheduled; called before the lock is released,
     * so it never deletes a later holder's, and nothing of this holder's is written after.
     */
    synchronized void withdraw() {
        withdrawn = true;
        if (writer != null) {
            writer.shutdownNow();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left behind, it is ignored by read() once the lock is free: nothing to repair.
        }
    }

    private void write() {
        ObjectNode node = JSON.createObjectNode().put("command", command).put("pid", ProcessHandle.current().pid())
                .put("since", since.toString()).put("processStart", processStart);
        sending.forEach(node.putArray("entries")::add);
        try {
            DurableFiles.replaceAdvisory(file, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            // Advisory only (see the class comment): the upload must not fail because 'status' cannot be told.
        }
    }

    /**
     * What the spool's current holder published, if a live process holds the spool: empty when no
     * record exists, or its process is gone (or its pid now names another process), or, where the
     * OS lists its locks ({@code /proc/locks} on Linux), that process does not hold the spool's lock.
     */
    public static Optional<Snapshot> read(Path spoolDirectory) throws IOException {
        Path directory = spoolDirectory.toAbsolutePath();
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(directory.resolve(FILE)));
        } catch (IOException e) {
            // None (nobody holds the spool), or torn or damaged: only an advisory record, so it says nothing.
            return Optional.empty();
        }
        if (node == null || !node.path("pid").canConvertToLong() || !node.path("since").isTextual()) {
            return Optional.empty();
        }
        long pid = node.get("pid").asLong();
        String processStart = node.path("processStart").isTextual() ? node.get("processStart").asText() : null;
        if (!alive(pid, processStart) || !holdsLock(pid, directory.resolve(".lock"))) {
            return Optional.empty();
        }
        List<String> entries = new ArrayList<>();
        node.path("entries").forEach(entry -> entries.add(entry.asText()));
        Instant since;
        try {
            since = Instant.parse(node.get("since").asText());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(node.path("command").isTextual() ? node.get("command").asText() : null, pid,
                since, List.copyOf(entries)));
    }

    /** The process runs, and is the one that wrote the record (not a later one given the same pid). */
    private static boolean alive(long pid, String processStart) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> started = process.get().info().startInstant();
        return processStart == null || started.isEmpty() || Objects.equals(started.get().toString(), processStart);
    }

    /**
     * Whether {@code pid} holds a lock on {@code lockFile}, as the kernel lists it in
     * {@code /proc/locks} (lines such as {@code 1: POSIX  ADVISORY  WRITE 4242 08:01:1311 0 EOF}, the
     * last part of the device field being the inode). Without that list (not Linux) it answers yes,
     * leaving the process check alone to decide.
     */
    private static boolean holdsLock(long pid, Path lockFile) throws IOException {
        if (!Files.isReadable(PROC_LOCKS)) {
            return true;
        }
        long inode;
        try {
            inode = ((Number) Files.getAttribute(lockFile, "unix:ino")).longValue();
        } catch (NoSuchFileException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
        for (String line : Files.readAllLines(PROC_LOCKS)) {
            String[] fields = line.strip().split("\\s+");
            // A process waiting for a lock is listed with "->" after the number; it holds nothing.
            if (fields.length >= 6 && !fields[1].equals("->") && fields[4].equals(Long.toString(pid))
                    && fields[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }
}
