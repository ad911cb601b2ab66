package dev.codebound.server.upload;

import dev.codebound.protocol.wire.UploadMetadata;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quota of unfinished uploads counted in this node's memory: right for a store that only this
 * node writes (the embedded {@link FileUploadStore}), wrong for one shared by several nodes, which
 * counts in its database instead. Per station, the ids of uploads it created that may still be
 * unfinished, loaded from the store on first use; a station's creations are serialized, other
 * stations' are not held up.
 */
public final class NodeUploadQuota implements UnfinishedUploadQuota {
    private final UploadStore store;
    private final Map<String, Set<UploadId>> unfinished = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    /** The quota of the uploads in {@code store}. */
    public NodeUploadQuota(UploadStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public UploadInfo createWithin(int limit, long length, UploadMetadata metadata, String stationId,
            Instant created, Instant expires) throws IOException, QuotaExceededException {
        load();
        Set<UploadId> mine = unfinished.computeIfAbsent(stationId, key -> new HashSet<>());
        synchronized (mine) {
            if (mine.size() >= limit) {
                // Only when full: finished, terminated and expired uploads leave the set lazily.
                for (Iterator<UploadId> ids = mine.iterator(); ids.hasNext(); ) {
                    Optional<UploadInfo> info = store.info(ids.next());
                    if (info.isEmpty() || info.get().state() != UploadState.RECEIVING
                            || info.get().isExpiredAt(created)) {
                        ids.remove();
                    }
                }
            }
            if (mine.size() >= limit) {
                throw new QuotaExceededException(mine.size(), limit);
            }
            UploadInfo upload = store.create(length, metadata, stationId, created, expires);
            mine.add(upload.id());
            return upload;
        }
    }

    private void load() throws IOException {
        if (loaded) {
            return;
        }
        synchronized (unfinished) {
            if (!loaded) {
                for (UploadInfo upload : store.list()) {
                    if (upload.state() == UploadState.RECEIVING) {
                        unfinished.computeIfAbsent(upload.stationId(), key -> new HashSet<>()).add(upload.id());
                    }
                }
                loaded = true;
            }
        }
    }
}
