package dev.codebound.agent.upload;

import dev.codebound.agent.spool.Spool;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Says on standard error, one line per retry, what failed and when the next try is, so that an
 * upload against a registry in trouble is never silent for minutes; passes everything on to
 * another listener (the progress bar). Standard error, so that {@code --json} output stays clean.
 */
public final class RetryNotices extends ForwardingProgressListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final PrintWriter err;
    private final Clock clock;

    /**
     * @param err   where the notices go
     * @param clock the wall clock and zone the next try's time is shown in
     * @param next  the listener everything is passed on to
     */
    public RetryNotices(PrintWriter err, Clock clock, ProgressListener next) {
        super(next);
        this.err = err;
        this.clock = clock;
    }

    @Override
    public void entryRetrying(String entryId, String filename, String reason, int failures, int maxAttempts,
            Instant nextAttempt) {
        super.entryRetrying(entryId, filename, reason, failures, maxAttempts, nextAttempt);
        long seconds = Math.max(0, Duration.between(clock.instant(), nextAttempt).toSeconds());
        synchronized (err) {
            err.println("retry: " + Spool.shortId(entryId) + " " + filename + ": " + reason + "; attempt " + failures
                    + " of " + maxAttempts + " failed, next try in " + seconds + " s (at "
                    + TIME.format(nextAttempt.atZone(clock.getZone())) + ")");
            err.flush();
        }
    }
}
