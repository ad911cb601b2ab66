package dev.codebound.agent.watch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The two locks on the scanned codes' lock file, each an OS lock (other processes: a running
 * {@code watch}, {@code code verify --remember}) paired with an in-process lock (other threads of
 * this one, which the OS lock does not exclude):
 *
 * <ul>
 *   <li>the <b>journal lock</b> (byte 0), held to read, cut a torn tail, append (the write, never
 *       the fsync) and rename a compacted journal into place: a few system calls;</li>
 *   <li>the <b>compaction lock</b> (byte 1), held by the one process compacting, across its
 *       fsyncs; nothing but another compaction waits for it.</li>
 * </ul>
 *
 * <p>An agent from before the journal locked the whole file, so it excludes, and is excluded by,
 * both. One channel per lock file per process, kept open: closing any channel to a file releases
 * every POSIX lock the process holds on it.
 */
final class ScannedCodesLock {
    private static final Map<Path, ScannedCodesLock> OPEN = new HashMap<>();

    /** What runs under a lock. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws IOException;
    }

    private final FileChannel channel;
    private final ReentrantLock journal = new ReentrantLock();
    private final ReentrantLock compaction = new ReentrantLock();

    private ScannedCodesLock(FileChannel channel) {
        this.channel = channel;
    }

    /** The locks of {@code lockFile}, created (empty) if absent; the same object for the same file. */
    static synchronized ScannedCodesLock of(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ScannedCodesLock lock = OPEN.get(key);
        if (lock == null || !lock.channel.isOpen()) {
            Files.createDirectories(key.getParent());
            lock = new ScannedCodesLock(FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            OPEN.put(key, lock);
        }
        return lock;
    }

    /** Runs {@code action} under the journal lock, waiting for it (its holders never sync while holding it). */
    <T> T underJournalLock(Locked<T> action) throws IOException {
        return under(journal, 0, action);
    }

    /** Runs {@code action} under the compaction lock, waiting for another process's compaction to finish. */
    <T> T underCompactionLock(Locked<T> action) throws IOException {
        return under(compaction, 1, action);
    }

    private <T> T under(ReentrantLock inProcess, long position, Locked<T> action) throws IOException {
        if (inProcess.isHeldByCurrentThread()) {
            // The OS lock is per process: taking it again would throw OverlappingFileLockException.
            throw new IllegalStateException("the scanned codes' lock is already held by this thread");
        }
        inProcess.lock();
        try {
            FileLock os = channel.lock(position, 1, false);
            try {
                return action.run();
            } finally {
                os.release();
            }
        } finally {
            inProcess.unlock();
        }
    }
}
