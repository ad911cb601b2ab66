package dev.codebound.agent.cli;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.upload.ReceiptArchive;
import java.io.IOException;
import java.util.Optional;

/** The spool entry an operator command names by a prefix of its id. */
final class OperatorEntries {
    private OperatorEntries() {}

    /**
     * The entry whose id starts with {@code prefix}. An entry that has left the spool once
     * delivered (the retention sweep lets it go when its receipt is archived) is named as delivered,
     * not as unknown: an operator who retries, removes or withdraws it needs to know the registry has it.
     *
     * @throws IllegalArgumentException when no entry or more than one matches, or the prefix is malformed
     * @throws IllegalStateException    when the entry was delivered and has left the spool
     */
    static SpoolEntry find(Spool spool, StationHome home, String prefix) throws IOException {
        try {
            return spool.findByPrefix(prefix);
        } catch (IllegalArgumentException unknown) {
            Optional<String> delivered = ReceiptArchive.archivedEntry(home.receipts(), prefix);
            if (delivered.isPresent()) {
                throw new IllegalStateException("entry " + Spool.shortId(delivered.get()) + " is DELIVERED: the "
                        + "registry has accepted it (its verified receipt is " + home.root().relativize(
                                home.receipt(delivered.get())) + ") and it has left the spool, so the station can "
                        + "neither send it again nor take it back; to withdraw the photo, ask the registry's "
                        + "administrator, giving the code id in that receipt", unknown);
            }
            throw unknown;
        }
    }
}
