package dev.codebound.server.upload;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Cleans up after abandoned uploads; the server runs it periodically on its own. An unfinished
 * upload past its {@code Upload-Expires} loses its bytes but keeps a small record, so clients get
 * 410 Gone rather than 404; the record itself is removed once it has been expired for
 * {@code tombstoneRetention}. Uploads locked by a request in progress are left for the next round.
 */
public final class ExpiryReaper implements Runnable {
    private static final System.Logger LOG = System.getLogger(ExpiryReaper.class.getName());

    private final UploadStore store;
    private final UploadLocker locker;
    private final Clock clock;
    private final Duration tombstoneRetention;

    public ExpiryReaper(UploadStore store, UploadLocker locker, Clock clock, Duration tombstoneRetention) {
        this.store = store;
        this.locker = locker;
        this.clock = clock;
        this.tombstoneRetention = tombstoneRetention;
    }

    /** One round; never throws, so a scheduler keeps running it. */
    @Override
    public void run() {
        try {
            Instant now = clock.instant();
            for (UploadInfo upload : store.list()) {
                boolean expire = upload.state() == UploadState.RECEIVING && upload.isExpiredAt(now);
                boolean purge = upload.state() == UploadState.EXPIRED
                        && !now.isBefore(upload.expires().plus(tombstoneRetention));
                if (expire || purge) {
                    reap(upload, expire);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "expiry round failed; the next round retries", e);
        }
    }

    private void reap(UploadInfo upload, boolean expire) throws IOException {
        Optional<UploadLocker.Lock> lock = locker.tryLock(upload.id());
        if (lock.isEmpty()) {
            return;
        }
        try {
            // Re-read under the lock: a chunk may have landed (and moved the expiry) since the listing.
            Optional<UploadInfo> current = store.info(upload.id());
            if (current.isEmpty() || !current.get().state().equals(upload.state())
                    || current.get().offset() != upload.offset()) {
                return;
            }
            if (expire) {
                store.expire(upload.id());
            } else {
                store.terminate(upload.id());
            }
        } finally {
            lock.get().close();
        }
    }
}
