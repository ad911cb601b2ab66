package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for an interactive terminal, redrawn in place at most five times a
 * second, with a line per finished entry. Unattended runs (cron, systemd: no console) get a silent
 * listener from {@link #forConsole}, so that logs are not filled with carriage returns. Plain JDK:
 * a library would add a dependency for one line of output.
 */
public final class TerminalProgressBar implements ProgressListener {
    private static final long REDRAW_INTERVAL_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final LongSupplier nanoTime;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLineLength;

    /** Draws on {@code out}; {@code nanoTime} paces the redraws. */
    public TerminalProgressBar(PrintWriter out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
    }

    /** A bar on the process's console, or {@link ProgressListener#NONE} when there is none. */
    public static ProgressListener forSystemConsole() {
        return forConsole(System.console());
    }

    /** A bar on {@code console}, or {@link ProgressListener#NONE} when it is {@code null}. */
    public static ProgressListener forConsole(Console console) {
        return console == null ? ProgressListener.NONE : new TerminalProgressBar(console.writer(), System::nanoTime);
    }

    @Override
    public synchronized void progressed(Progress progress) {
        long now = nanoTime.getAsLong();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_INTERVAL_NANOS
                && progress.totalBytes() < progress.totalLength()) {
            return;
        }
        lastDraw = now;
        draw(render(progress));
    }

    @Override
    public synchronized void entryRetrying(String entryId, String filename, String reason, int failures,
            int maxAttempts, Instant nextAttempt) {
        // The retry itself is reported on standard error by RetryNotices; the bar only steps aside for it.
        clear();
        out.flush();
    }

    @Override
    public synchronized void entryFinished(String entryId, String filename, EntryState state, String reason) {
        clear();
        out.println(state + " " + filename + (reason == null ? "" : " (" + reason + ")"));
        out.flush();
    }

    /** Clears the bar; the summary is the command's to print (once, on its standard output). */
    @Override
    public synchronized void runFinished(UploadRun run) {
        clear();
        out.flush();
    }

    static String render(Progress progress) {
        double fraction = progress.totalLength() == 0 ? 1 : (double) progress.totalBytes() / progress.totalLength();
        fraction = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format(Locale.ROOT, "%3d%% [%s%s] %s/%s %s/s ETA %s (%d active)",
                Math.round(fraction * 100), "#".repeat(filled), "-".repeat(WIDTH - filled),
                bytes(progress.totalBytes()), bytes(progress.totalLength()), bytes((long) progress.totalRate()),
                eta(progress.totalEta()), progress.activeEntries());
    }

    private void draw(String line) {
        int padding = Math.max(0, lastLineLength - line.length());
        out.print("\r" + line + " ".repeat(padding));
        out.flush();
        lastLineLength = line.length();
    }

    private void clear() {
        if (lastLineLength > 0) {
            out.print("\r" + " ".repeat(lastLineLength) + "\r");
            lastLineLength = 0;
        }
    }

    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String eta(Duration eta) {
        if (eta == null) {
            return "--:--";
        }
        long seconds = eta.toSeconds();
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                seconds % 60) : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
