package dev.codebound.agent.testing;

import dev.codebound.agent.upload.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One consistent fake time for a test: a wall clock, a monotonic nanosecond clock and a sleeper
 * that advances both instead of waiting, recording every sleep.
 */
public final class FakeTime {
    private final ZoneId zone;
    private Instant now;
    private long nanos;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    public FakeTime(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    public FakeTime(Instant start, ZoneId zone) {
        this.now = start;
        this.zone = zone;
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
        nanos += duration.toNanos();
    }

    public synchronized Instant now() {
        return now;
    }

    public synchronized long nanoTime() {
        return nanos;
    }

    /** Every sleep requested so far, in order. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    public Sleeper sleeper() {
        return duration -> {
            sleeps.add(duration);
            if (!duration.isNegative()) {
                advance(duration);
            }
        };
    }

    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }
}
