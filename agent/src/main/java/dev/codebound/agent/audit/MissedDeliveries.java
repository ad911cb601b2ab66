package dev.codebound.agent.audit;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code delivered} records a crash lost. An upload killed after the spool stored an entry's
 * receipt (the entry is DELIVERED, or becomes so when the spool is next opened) but before its
 * {@code delivered} record reached the log (the record waits for the log's next write, see
 * {@link TransferLog#delivered}) leaves a delivery the log does not know: {@code audit verify}
 * reports the receipt without a record, and a retention sweep that then deleted the envelope would
 * put the deletion before the delivery in the log, which the audit reports as a contradiction for
 * ever. So the next upload, before its run, and every sweep, before it deletes a delivered
 * envelope, append the missing records from the receipts the spool holds: the facts the records
 * would have carried.
 */
public final class MissedDeliveries {
    private MissedDeliveries() {}

    /**
     * Appends a {@code delivered} record for every DELIVERED entry of {@code spool} that
     * {@code log} lacks. The records are held for the log's next write, like every
     * {@code delivered} record: whoever depends on them writes after them (a sweep's deletion
     * intents) or flushes the log.
     *
     * @return how many records were appended
     */
    public static int record(TransferLog log, Spool spool) throws IOException {
        List<SpoolEntry> delivered = spool.entries().stream()
                .filter(entry -> entry.state() == EntryState.DELIVERED).toList();
        if (delivered.isEmpty()) {
            return 0;
        }
        Set<String> unlogged = log.entriesWithoutDelivery(delivered.stream().map(SpoolEntry::id).toList());
        int appended = 0;
        for (SpoolEntry entry : delivered) {
            if (unlogged.contains(entry.id())) {
                Optional<byte[]> receipt = spool.receipt(entry.id());
                if (receipt.isPresent()) {
                    log.delivered(entry.id(), Sha256.hex(receipt.get()),
                            UploadRecorder.claimedLogIndex(receipt.get(), entry.id()));
                    appended++;
                }
            }
        }
        return appended;
    }
}
