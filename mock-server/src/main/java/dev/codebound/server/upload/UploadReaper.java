package dev.codebound.server.upload;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Applies the registry's {@link UploadRetention} to its uploads; the server runs it on a timer.
 * Uploads locked by a request in progress are left for the next round, and each upload is re-read
 * under its lock, so a chunk that landed since the listing (and moved the expiry) is respected.
 * Each deletion goes through the store, which records it before it deletes any bytes, so a crash
 * in between leaves bytes its recovery deletes.
 */
public final class UploadReaper implements Runnable {
    private static final System.Logger LOG = System.getLogger(UploadReaper.class.getName());

    private final UploadStore store;
    private final UploadLocker locker;
    private final Clock clock;
    private final UploadRetention retention;

    public UploadReaper(UploadStore store, UploadLocker locker, Clock clock, UploadRetention retention) {
        this.store = store;
        this.locker = locker;
        this.clock = clock;
        this.retention = retention;
    }

    /** One round; never throws, so a scheduler keeps running it. */
    @Override
    public void run() {
        try {
            for (UploadInfo upload : store.list()) {
                if (retention.due(upload, clock.instant()).isPresent()) {
                    reap(upload);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "retention round failed; the next round retries", e);
        }
    }

    private void reap(UploadInfo upload) throws IOException {
        Optional<UploadLocker.Lock> lock = locker.tryLock(upload.id());
        if (lock.isEmpty()) {
            return;
        }
        try {
            Optional<UploadInfo> current = store.info(upload.id());
            if (current.isEmpty()) {
                return;
            }
            Optional<UploadRetention.Step> step = retention.due(current.get(), clock.instant());
            if (step.isEmpty()) {
                return;
            }
            if (step.get() == UploadRetention.Step.EXPIRE) {
                store.expire(upload.id());
            } else {
                store.terminate(upload.id());
            }
        } finally {
            lock.get().close();
        }
    }
}
