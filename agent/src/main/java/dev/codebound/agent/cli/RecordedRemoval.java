package dev.codebound.agent.cli;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.time.Clock;

/**
 * What {@code remove} and {@code withdraw} share: an operator takes an entry and its envelope out of the spool, and
 * the transfer log records it. The order is the point: the key is unlocked before anything changes, so a wrong
 * passphrase stops the command before an entry is gone without its record.
 */
final class RecordedRemoval {
    /** Takes the entry out of the spool; refuses (IllegalArgumentException or IllegalStateException) when it may not. */
    @FunctionalInterface
    interface Removal {
        SpoolEntry remove(Spool spool, String entryId) throws IOException;
    }

    /** Records in the transfer log that the entry is gone. */
    @FunctionalInterface
    interface Record {
        void record(TransferLog log, String entryId) throws IOException;
    }

    private RecordedRemoval() {
    }

    /**
     * Finds the entry by {@code prefix}, removes it and records the removal, then sweeps retention so that its
     * original in a hot folder's {@code done/}, which has no entry any more, goes now and not at the next command.
     *
     * @return the entry as it was when removed
     * @throws AgentFailure {@link ExitCodes#USAGE} when the entry is unknown, ambiguous or in a state the removal
     *                      refuses
     */
    static SpoolEntry perform(HomeOption home, String prefix, Removal removal, Record record)
            throws IOException, AgentFailure, StationException {
        StationCredentials credentials = home.context().credentials();
        // The spool's lock keeps a running upload away; once removed the entry is gone, so no later one finds it.
        try (Spool spool = home.openSpool()) {
            SpoolEntry removed;
            try {
                removed = removal.remove(spool, OperatorEntries.find(spool, home.home(), prefix).id());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new AgentFailure(ExitCodes.USAGE, e.getMessage(), e);
            }
            try (TransferLog log = TransferLog.open(home.home(), Clock.systemUTC(), credentials)) {
                record.record(log, removed.id());
                home.sweepRetention(spool, log);
            }
            return removed;
        }
    }
}
