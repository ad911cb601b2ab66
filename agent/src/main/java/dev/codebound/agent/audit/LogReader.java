package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the transfer log's records for export and display. It parses strictly but does not verify
 * the chain or signatures (that is {@link LogVerifier}'s job): what it shows is what the file says.
 */
public final class LogReader {
    /** A line that is not a well-formed record; the message names the line. */
    public static final class UnreadableLogException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableLogException(String message) {
            super(message);
        }
    }

    private LogReader() {}

    /**
     * The records of the home's log within {@code range}, in log order. A torn final line (a crash
     * mid-write) is skipped: the station repairs it at its next open.
     *
     * @throws StationException      when the home has no transfer log
     * @throws UnreadableLogException at the first malformed line
     */
    public static List<TransferRecord> read(StationHome home, TimeRange range)
            throws StationException, IOException, UnreadableLogException {
        Path file = LogFiles.file(home);
        if (!Files.exists(file)) {
            throw new StationException("no transfer log at " + file + "; is " + home.root() + " a station home?");
        }
        List<TransferRecord> records = new ArrayList<>();
        List<String> lines = LogFiles.read(file).lines();
        for (int i = 0; i < lines.size(); i++) {
            TransferRecord record;
            try {
                record = RecordParser.parse(lines.get(i));
            } catch (RecordParser.MalformedRecordException e) {
                throw new UnreadableLogException(file + " line " + (i + 1) + " is not a well-formed record ("
                        + e.getMessage() + "); run 'codebound-agent audit verify'");
            }
            if (range.contains(record.time())) {
                records.add(record);
            }
        }
        return records;
    }
}
