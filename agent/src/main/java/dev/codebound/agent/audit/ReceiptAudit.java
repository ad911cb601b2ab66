package dev.codebound.agent.audit;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks the receipts the station holds (the archive {@code receipts/<entry id>.json} and each
 * delivered spool entry's, held in the spool's journal) and matches them against the log: every receipt must verify
 * against the trust bundle, prove its entry's inclusion in the registry's log, name one of this
 * station's ids and the envelope it is filed under; every {@code delivered} record must have a stored receipt
 * whose every copy has the recorded hash and log index, and every stored receipt a {@code delivered}
 * record.
 */
final class ReceiptAudit {
    /** A receipt that verified, with the registry checkpoint its inclusion proof leads to. */
    record VerifiedReceipt(String entryId, String source, String sha256, Receipt receipt, Checkpoint checkpoint) {}

    private final StationHome home;
    private final TrustBundle bundle;
    private final Set<String> stationIds;

    /**
     * @param stationIds the ids this station was enrolled under and signed checkpoints as (a re-enrolled
     *                   station has one per enrollment); empty before enrollment
     */
    ReceiptAudit(StationHome home, TrustBundle bundle, Set<String> stationIds) {
        this.home = home;
        this.bundle = bundle;
        this.stationIds = Set.copyOf(stationIds);
    }

    /** Verifies every stored receipt and returns those that passed. */
    List<VerifiedReceipt> verifyStored(AuditReport report) throws IOException {
        List<VerifiedReceipt> verified = new ArrayList<>();
        List<StoredReceipt> files = storedReceipts();
        if (!files.isEmpty() && stationIds.isEmpty()) {
            report.fail("receipt", files.size() + " receipts are stored but the station home has no station "
                    + "certificate (station.cert.pem) to check them against");
            return verified;
        }
        for (StoredReceipt file : files) {
            String source = file.source();
            byte[] bytes = file.bytes();
            String entryId = file.entryId();
            Receipt receipt;
            Checkpoint checkpoint;
            try {
                receipt = ReceiptCodec.verify(bytes, bundle, source);
            } catch (PkiException e) {
                report.fail("receipt", "receipt signature: " + e.getMessage());
                continue;
            }
            try {
                checkpoint = ReceiptCodec.verifyLogInclusion(receipt, bundle, source);
            } catch (PkiException e) {
                report.fail("receipt", "receipt log inclusion: " + e.getMessage());
                continue;
            }
            if (!receipt.envelopeSha256().equals(entryId)) {
                report.fail("receipt", source + ": is a receipt for envelope " + receipt.envelopeSha256()
                        + ", filed under entry " + entryId);
                continue;
            }
            if (!stationIds.contains(receipt.stationId())) {
                report.fail("receipt", source + ": names station " + receipt.stationId() + ", not this station ("
                        + String.join(", ", new TreeSet<>(stationIds)) + ")");
                continue;
            }
            verified.add(new VerifiedReceipt(entryId, source, Sha256.hex(bytes), receipt, checkpoint));
        }
        report.count("receipts", files.size());
        return verified;
    }

    /** Matches receipts and log records both ways (only over a log whose chain verified). */
    void matchLog(List<TransferRecord> records, List<VerifiedReceipt> receipts, AuditReport report) {
        Map<String, List<VerifiedReceipt>> byEntry = new HashMap<>();
        receipts.forEach(receipt -> byEntry.computeIfAbsent(receipt.entryId(), id -> new ArrayList<>()).add(receipt));
        Map<String, TransferRecord> captured = new HashMap<>();
        Map<String, Boolean> delivered = new HashMap<>();
        long deliveredCount = 0;
        for (TransferRecord record : records) {
            if (record.event() == EventType.CAPTURED) {
                captured.put(record.entryId().orElseThrow(), record);
            } else if (record.event() == EventType.DELIVERED) {
                deliveredCount++;
                String entryId = record.entryId().orElseThrow();
                delivered.put(entryId, true);
                String problem = matchDelivered(record, captured.get(entryId), byEntry.getOrDefault(entryId, List.of()));
                if (problem != null) {
                    report.fail("delivered", record.seq(), record.seq(), problem);
                }
            }
        }
        report.count("delivered", deliveredCount);
        for (VerifiedReceipt receipt : receipts) {
            if (!delivered.containsKey(receipt.entryId())) {
                report.fail("receipt", receipt.source() + ": the log has no 'delivered' record for entry "
                        + receipt.entryId() + ": the record was dropped or never written");
            }
        }
    }

    private static String matchDelivered(TransferRecord record, TransferRecord capture, List<VerifiedReceipt> stored) {
        String entryId = record.entryId().orElseThrow();
        if (stored.isEmpty()) {
            return "no verified receipt is stored for entry " + entryId + " (receipts/ or the spool)";
        }
        String expected = record.text(Field.RECEIPT_SHA256).orElseThrow();
        // Every copy must be the very bytes logged: a genuine receipt reissued later is still a substitution.
        for (VerifiedReceipt copy : stored) {
            if (!copy.sha256().equals(expected)) {
                return "the stored receipt " + copy.source() + " hashes to " + copy.sha256() + ", the log recorded "
                        + expected + ": the receipt was replaced";
            }
        }
        VerifiedReceipt match = stored.get(0);
        long leafIndex = match.receipt().log().orElseThrow().leafIndex();
        if (leafIndex != record.number(Field.LOG_INDEX)) {
            return "the log recorded registry log index " + record.number(Field.LOG_INDEX) + ", the receipt says "
                    + leafIndex;
        }
        if (capture == null) {
            return "entry " + entryId + " was delivered but its capture is not in the log";
        }
        Receipt receipt = match.receipt();
        if (!receipt.codeId().equals(capture.text(Field.CODE_ID).orElseThrow())
                || !receipt.photoSha256().equals(capture.text(Field.PHOTO_SHA256).orElseThrow())
                || receipt.envelopeLength() != capture.number(Field.ENVELOPE_LENGTH)) {
            return "the receipt's code id, photo hash or envelope length differ from the capture record seq "
                    + capture.seq();
        }
        return null;
    }

    /** One stored copy of a receipt: where it is, the entry it is filed under, its bytes. */
    private record StoredReceipt(String source, String entryId, byte[] bytes) {}

    /** The archive's receipt files, then the spool's receipts (read without taking the spool's lock). */
    private List<StoredReceipt> storedReceipts() throws IOException {
        List<StoredReceipt> stored = new ArrayList<>();
        if (Files.isDirectory(home.receipts())) {
            try (Stream<Path> list = Files.list(home.receipts())) {
                for (Path file : list.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".json") && !name.startsWith(".")) {
                        stored.add(new StoredReceipt(home.root().relativize(file).toString(),
                                name.substring(0, name.length() - ".json".length()), Files.readAllBytes(file)));
                    }
                }
            }
        }
        String journal = home.root().relativize(Spool.journalFile(home.spool())).toString();
        for (Map.Entry<String, byte[]> receipt : new TreeMap<>(Spool.peekReceipts(home.spool())).entrySet()) {
            stored.add(new StoredReceipt(journal + " (entry " + Spool.shortId(receipt.getKey()) + ")",
                    receipt.getKey(), receipt.getValue()));
        }
        return stored;
    }
}
