package dev.codebound.agent.upload;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** Turns byte counts from the workers into {@link Progress} snapshots (rates and ETAs). */
final class ProgressTracker {
    private final ProgressListener listener;
    private final LongSupplier nanoTime;
    private final long totalLength;
    private final long runStart;
    private final Map<String, Meter> meters = new HashMap<>();
    private long totalDone;
    private long totalSentThisRun;

    private static final class Meter {
        final long length;
        final long started;
        long done;
        long sentThisRun;

        Meter(long length, long done, long started) {
            this.length = length;
            this.done = done;
            this.started = started;
        }
    }

    ProgressTracker(ProgressListener listener, LongSupplier nanoTime, long totalLength, long alreadyDone) {
        this.listener = listener;
        this.nanoTime = nanoTime;
        this.totalLength = totalLength;
        this.totalDone = alreadyDone;
        this.runStart = nanoTime.getAsLong();
    }

    void started(String entryId, String filename, long acknowledged, long length) {
        synchronized (this) {
            meters.put(entryId, new Meter(length, acknowledged, nanoTime.getAsLong()));
        }
        listener.entryStarted(entryId, filename, acknowledged, length);
    }

    /** {@code bytes} more were written into a request body. */
    void sent(String entryId, long bytes) {
        Progress progress;
        synchronized (this) {
            Meter meter = meters.get(entryId);
            meter.done += bytes;
            meter.sentThisRun += bytes;
            totalDone += bytes;
            totalSentThisRun += bytes;
            progress = snapshot(entryId, meter);
        }
        listener.progressed(progress);
    }

    /** The server's offset replaces what was counted (a lost chunk, or a server ahead of us). */
    void resynced(String entryId, long offset) {
        Progress progress;
        synchronized (this) {
            Meter meter = meters.get(entryId);
            totalDone += offset - meter.done;
            meter.done = offset;
            progress = snapshot(entryId, meter);
        }
        listener.progressed(progress);
    }

    /** An attempt failed; the entry waits until {@code next} before its next try. */
    void retrying(String entryId, String filename, String reason, int failures, int maxAttempts, Instant next) {
        listener.entryRetrying(entryId, filename, reason, failures, maxAttempts, next);
    }

    void finished(String entryId) {
        synchronized (this) {
            meters.remove(entryId);
        }
    }

    private Progress snapshot(String entryId, Meter meter) {
        long now = nanoTime.getAsLong();
        double entryRate = rate(meter.sentThisRun, now - meter.started);
        double totalRate = rate(totalSentThisRun, now - runStart);
        return new Progress(entryId, meter.done, meter.length, entryRate, eta(meter.length - meter.done, entryRate),
                totalDone, totalLength, totalRate, eta(totalLength - totalDone, totalRate), meters.size());
    }

    private static double rate(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 1e9 / nanos;
    }

    private static Duration eta(long remaining, double rate) {
        return rate <= 0 ? null : Duration.ofMillis((long) (Math.max(0, remaining) * 1000 / rate));
    }
}
