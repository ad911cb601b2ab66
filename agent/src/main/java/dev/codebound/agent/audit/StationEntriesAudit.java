package dev.codebound.agent.audit;

import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.MerkleTree;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Finds the envelopes the registry's public log attributes to this station that the station's log
 * does not record as delivered. Cutting a log back to an earlier checkpoint, records and receipts
 * together, leaves a shorter log that is consistent in itself; but the registry logged every one of
 * those envelopes under the station's id. The listing is trusted only once its leaves hash to the
 * root of the registry's signed checkpoint, so a registry (or a man in the middle) cannot hide or
 * invent entries without failing that check.
 */
final class StationEntriesAudit {
    private StationEntriesAudit() {}

    /**
     * Lists the registry's whole log up to {@code latest}, checks it against {@code latest}'s root,
     * and fails for every entry of {@code stationIds} with no {@code delivered} record in {@code records}.
     */
    static void check(Checkpoint latest, RegistryLogClient client, Set<String> stationIds,
            List<TransferRecord> records, AuditReport report) throws IOException {
        Set<String> delivered = new HashSet<>();
        for (TransferRecord record : records) {
            if (record.event() == EventType.DELIVERED) {
                delivered.add(record.entryId().orElseThrow());
            }
        }
        MerkleTree listed = new MerkleTree();
        List<RegistryLogClient.ListedEntry> ours = new ArrayList<>();
        try {
            for (long start = 0; start < latest.size(); start += RegistryLogClient.ENTRIES_PER_PAGE) {
                long end = Math.min(latest.size(), start + RegistryLogClient.ENTRIES_PER_PAGE);
                for (RegistryLogClient.ListedEntry entry : client.entries(start, end)) {
                    listed.append(entry.entry().leafHash());
                    if (stationIds.contains(entry.entry().stationId())) {
                        ours.add(entry);
                    }
                }
            }
        } catch (RegistryLogClient.RegistryAnswerException e) {
            report.fail("registry-entries", "cannot list the registry's log to find this station's entries: "
                    + e.getMessage());
            return;
        }
        if (!MessageDigest.isEqual(listed.rootHash(), latest.rootHash())) {
            report.fail("registry-entries", "the registry's listing of its " + latest.size() + " log entries does not "
                    + "hash to the root of its signed checkpoint: the listing hides or invents entries");
            return;
        }
        report.count("registryEntriesOfStation", ours.size());
        for (RegistryLogClient.ListedEntry entry : ours) {
            String envelope = HexFormat.of().formatHex(entry.entry().envelopeSha256());
            if (!delivered.contains(envelope)) {
                report.fail("registry-entries", "the registry's log entry " + entry.index() + " (envelope " + envelope
                        + ", accepted " + entry.entry().acceptedAt() + " from station " + entry.entry().stationId()
                        + ") has no 'delivered' record in this station's log: records were removed (the log was cut "
                        + "back), or an upload stopped after the registry accepted it has not been recorded yet (run "
                        + "'codebound-agent upload', then verify again)");
            }
        }
    }
}
