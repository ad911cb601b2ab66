package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.spool.EntryState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong nanos = new AtomicLong();
    private final TerminalProgressBar bar = new TerminalProgressBar(new PrintWriter(text), nanos::get);

    private static Progress progress(long done, long total) {
        return new Progress("e1", done, total, 1024, Duration.ofSeconds(75), done, total, 2048,
                Duration.ofSeconds(75), 1);
    }

    @Test
    void noConsoleMeansNoOutputAtAll() {
        assertSame(ProgressListener.NONE, TerminalProgressBar.forConsole(null));
    }

    @Test
    void rendersPercentBytesRateAndEta() {
        assertEquals(" 50% [############------------] 1.0 MiB/2.0 MiB 2.0 KiB/s ETA 1:15 (1 active)",
                TerminalProgressBar.render(progress(1024 * 1024, 2 * 1024 * 1024)));
    }

    @Test
    void redrawsAtMostFiveTimesASecondButAlwaysAtTheEnd() {
        bar.progressed(progress(10, 100));
        bar.progressed(progress(20, 100));
        assertFalse(text.toString().contains(" 20%"), "throttled");
        nanos.addAndGet(Duration.ofMillis(250).toNanos());
        bar.progressed(progress(30, 100));
        assertTrue(text.toString().contains(" 30%"));
        bar.progressed(progress(100, 100));
        assertTrue(text.toString().contains("100%"), "the final state is always drawn");
    }

    @Test
    void finishedEntriesGetTheirOwnLine() {
        bar.progressed(progress(10, 100));
        bar.entryFinished("e1", "photo-7.cms", EntryState.REJECTED, "PHOTO_SPEC");
        assertTrue(text.toString().endsWith("REJECTED photo-7.cms (PHOTO_SPEC)" + System.lineSeparator()));
    }
}
