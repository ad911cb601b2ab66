package dev.codebound.agent.retention;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Spool entries and receipts in the states the retention tests need, made through the spool's own API. */
final class StationData {
    private StationData() {}

    /** A QUEUED entry for a stand-in envelope (CMS-shaped bytes, distinct per {@code n}); returns its id. */
    static String queued(Spool spool, Path temp, int n) throws Exception {
        Path envelope = temp.resolve("envelope-" + n + ".cms");
        Files.write(envelope, new byte[] {0x30, 0x03, 0x02, 0x01, (byte) n});
        return spool.enqueue(envelope, "AAAAAAAAAAAAAAA" + (char) ('A' + n), "ST-1", "photo-" + n + ".cms").id();
    }

    /** A DELIVERED entry with a stand-in receipt (its receipt is not archived); returns its id. */
    static String delivered(Spool spool, Path temp, int n) throws Exception {
        String id = queued(spool, temp, n);
        spool.markDelivered(id, ("{\"receipt\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /** Archives the entry's receipt, the bytes the spool holds, as {@code upload} does once it verified, at {@code archivedAt}. */
    static void archiveReceipt(Spool spool, StationHome home, String id, Instant archivedAt) throws Exception {
        Files.createDirectories(home.receipts());
        Path receipt = Files.write(home.receipt(id), spool.receipt(id).orElseThrow());
        Files.setLastModifiedTime(receipt, FileTime.from(archivedAt));
    }
}
