package dev.codebound.server.upload;

import dev.codebound.protocol.wire.UploadMetadata;
import java.io.IOException;
import java.time.Instant;

/**
 * Where a station's unfinished uploads (receiving, not expired) are counted against its quota, and
 * the one way an upload is created under that quota: the count and the creation are one step, so
 * that two creations at once cannot both take the last place.
 *
 * <ul>
 *   <li>{@link NodeUploadQuota}: counted in this node's memory, for a store only this node writes
 *       (the embedded one);</li>
 *   <li>{@code PostgresUploadStore}: counted in the database, one quota across every node sharing
 *       it, so that a station cannot pass its quota by spreading uploads over the nodes.</li>
 * </ul>
 */
public interface UnfinishedUploadQuota {
    /**
     * Creates an upload as {@link UploadStore#create} does, unless {@code stationId} already holds
     * {@code limit} unfinished uploads at {@code created}; completing, terminating or the expiry of
     * one frees its place at once.
     *
     * @throws QuotaExceededException if the station holds {@code limit} already: nothing was created
     */
    UploadInfo createWithin(int limit, long length, UploadMetadata metadata, String stationId, Instant created,
            Instant expires) throws IOException, QuotaExceededException;
}
