package dev.codebound.agent.upload;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.audit.MissedDeliveries;
import dev.codebound.agent.audit.UploadRecorder;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * One upload of a station's spool, as the {@code upload} command runs it and the desk service's
 * scheduler runs it each time the window is open: deliveries a crash kept out of the transfer log
 * are recorded first, then (if the window is open) every due envelope is uploaded with each receipt
 * verified and archived as it arrives, then the run's transfer-log records are made durable, then
 * receipts not archived yet are archived.
 */
public final class StationUpload {
    private final UploadConfig config;
    private final OkHttpClient client;
    private final ReceiptArchive receipts;

    /**
     * @param config   from {@link UploadSettings}
     * @param client   the registry client (mutual TLS)
     * @param receipts the station's receipt archive, verifying against the current trust bundle
     */
    public StationUpload(UploadConfig config, OkHttpClient client, ReceiptArchive receipts) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.receipts = Objects.requireNonNull(receipts, "receipts");
    }

    /**
     * What one upload did.
     *
     * @param run      the upload run, or {@code null} when the window was closed and nothing was started
     * @param archived the receipts archived and those that do not verify
     */
    public record Outcome(UploadRun run, ReceiptArchive.Result archived) {
        /** Whether every eligible envelope was delivered and every receipt verifies. */
        public boolean complete() {
            boolean delivered = run == null || (run.rejected() == 0 && run.failed() == 0 && run.corrupt() == 0
                    && run.notStarted() == 0);
            return delivered && archived.invalid().isEmpty();
        }
    }

    /** The upload configuration in force. */
    public UploadConfig config() {
        return config;
    }

    /** Whether new uploads may start now. */
    public boolean windowOpen() {
        return config.window().isOpen(config.clock());
    }

    /** The entries of {@code spool} due now. */
    public List<SpoolEntry> due(List<SpoolEntry> entries) {
        return entries.stream().filter(entry -> entry.isDue(config.clock().instant())).toList();
    }

    /**
     * Checks that the registry answers at all, within twice the connect timeout.
     *
     * @throws IOException when it cannot be reached
     */
    public void checkReachable() throws IOException {
        Uploader.checkReachable(config, client);
    }

    /**
     * Runs one upload of {@code spool}, recording in {@code log}; {@code finished} hears of every
     * entry that ends (and forwards to its own listener).
     *
     * @throws IOException          when the spool or the log cannot be written
     * @throws InterruptedException when interrupted; every entry is left resumable
     */
    public Outcome run(Spool spool, TransferLog log, FinishedEntries finished) throws IOException,
            InterruptedException {
        MissedDeliveries.record(log, spool);
        UploadRecorder recorder = new UploadRecorder(log, spool, finished);
        UploadRun run = windowOpen() ? new Uploader(config, client, spool, receipts.listener(spool, recorder)).runOnce()
                : null;
        // The run's delivered records were held back to share the log's syncs; they are on disk when it ends.
        log.flush();
        return new Outcome(run, receipts.archiveNew(spool));
    }
}
