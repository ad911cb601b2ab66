package dev.codebound.agent.desk;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.RetentionSweep;
import dev.codebound.agent.retention.SweepReport;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.upload.FinishedEntries;
import dev.codebound.agent.upload.Progress;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.StationUpload;
import dev.codebound.agent.upload.UploadRun;
import java.io.IOException;
import java.time.Duration;

/**
 * The desk's upload scheduler, in place of a cron job: every interval it checks that the registry
 * answers and, when the station's upload window is open and envelopes are due, runs one upload of
 * the spool with the same core as the {@code upload} command ({@link StationUpload}: the window,
 * rate limit, parallelism and retries of the station's {@code upload.*} settings). After each run it
 * applies the station's retention policy ({@link RetentionSweep}).
 */
final class DeskUploads {
    private final StationContext station;
    private final Spool spool;
    private final TransferLog log;
    private final DeskService.UploadFactory factory;
    private final Duration interval;
    private final DeskState state;
    private final Thread thread;
    private final Object wakeUp = new Object();
    private volatile boolean stopping;

    DeskUploads(StationContext station, Spool spool, TransferLog log, DeskService.UploadFactory factory, Duration interval,
            DeskState state) {
        this.station = station;
        this.spool = spool;
        this.log = log;
        this.factory = factory;
        this.interval = interval;
        this.state = state;
        this.thread = new Thread(this::run, "codebound-desk-upload");
        // An upload still in flight after the stop's grace is abandoned with the process: it resumes at the next
        // start, as after a crash.
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!stopping) {
            try {
                runOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | StationException | RuntimeException e) {
                state.fail("upload: " + e.getMessage());
            }
            sweepRetention();
            synchronized (wakeUp) {
                if (!stopping) {
                    try {
                        wakeUp.wait(interval.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void runOnce() throws IOException, StationException, InterruptedException {
        StationUpload upload = factory.create();
        boolean open = upload.windowOpen();
        state.schedule(upload.config().window().toString(), open, station.clock().instant().plus(interval));
        try {
            upload.checkReachable();
            state.registryChecked(true, null);
        } catch (IOException e) {
            state.registryChecked(false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return;
        }
        if (!open || upload.due(spool.entries()).isEmpty() || stopping) {
            return;
        }
        if (station.bundle().isStationRevoked(station.credentials().certificate())) {
            state.fail("the registry revoked this station: nothing is uploaded, and the envelopes stay queued");
            return;
        }
        StationUpload.Outcome outcome = upload.run(spool, log, new FinishedEntries(new ProgressListener() {
            @Override
            public void entryStarted(String entryId, String filename, long acknowledged, long length) {
                state.uploadStarted(entryId, acknowledged, length);
            }

            @Override
            public void progressed(Progress progress) {
                state.uploadProgressed(progress);
            }

            @Override
            public void entryFinished(String entryId, String filename, EntryState finished, String reason) {
                state.uploadFinished(entryId);
            }
        }));
        UploadRun run = outcome.run();
        if (run != null) {
            state.runFinished(run.summary() + (outcome.archived().invalid().isEmpty() ? ""
                    : "; " + outcome.archived().invalid().size() + " receipt(s) do not verify"));
            if (run.stop() == UploadRun.Stop.UNAUTHORIZED) {
                state.fail("the registry refused this station: " + run.stationRefusal().title()
                        + "; the envelopes stay queued");
            }
        }
    }

    /**
     * Retention on the service's own timer, after each upload run: delivered envelopes and originals go
     * once their deadlines pass although no command runs all day. What cannot be deleted shows on the page.
     */
    private void sweepRetention() {
        try {
            SweepReport report = new RetentionSweep(station.home(), RetentionPolicy.from(station.config()), spool,
                    station.clock()).run(station.clock().instant(), log);
            report.problems().forEach(problem -> state.fail("retention: " + problem.message()));
        } catch (IOException | StationException | RuntimeException e) {
            state.fail("retention: the sweep failed: " + e.getMessage() + "; what is due stays until a sweep succeeds");
        }
    }

    /** Stops the scheduler, waiting up to {@code grace} for a run in flight; returns whether it ended. */
    boolean stop(Duration grace) throws InterruptedException {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        thread.join(Math.max(1, grace.toMillis()));
        return !thread.isAlive();
    }
}
