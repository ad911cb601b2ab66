package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private static final EntryRecordProbe CAPTURED_PROBE = new EntryRecordProbe(EventType.CAPTURED);

    private LogReader() {}

    /**
     * The {@code captured} records of the entries {@code entryIds}, by entry id, read from the end of
     * the home's log backwards only until each has been found: the cost follows how long ago the
     * oldest of them was captured, not the station's whole history. An entry the log has no capture
     * of (an entry older than its log) costs a read of the whole file and is absent from the answer.
     * Only the lines of those captures are parsed, strictly; other lines are not read as records, so
     * damage elsewhere is {@code audit verify}'s to find.
     *
     * @throws StationException       when the home has no transfer log
     * @throws UnreadableLogException when the line of one of these captures is not a well-formed record
     */
    public static Map<String, TransferRecord> capturesOf(StationHome home, Collection<String> entryIds)
            throws StationException, IOException, UnreadableLogException {
        Path file = existingLog(home);
        Set<String> wanted = new HashSet<>(entryIds);
        Map<String, TransferRecord> captures = new HashMap<>();
        List<String> malformed = new ArrayList<>(1);
        if (!wanted.isEmpty()) {
            LogFiles.readBackwards(file, line -> {
                CAPTURED_PROBE.entryId(line).filter(wanted::remove).ifPresent(entryId -> {
                    try {
                        captures.put(entryId, RecordParser.parse(line));
                    } catch (RecordParser.MalformedRecordException e) {
                        malformed.add("the capture of entry " + entryId + " is not a well-formed record ("
                                + e.getMessage() + ")");
                    }
                });
                return malformed.isEmpty() && !wanted.isEmpty();
            });
        }
        if (!malformed.isEmpty()) {
            throw new UnreadableLogException(file + ": " + malformed.get(0) + "; run 'codebound-agent audit verify'");
        }
        return captures;
    }

    /**
     * The records of the home's log within {@code range}, in log order. A torn final line (a crash
     * mid-write) is skipped: the station repairs it at its next open.
     *
     * @throws StationException      when the home has no transfer log
     * @throws UnreadableLogException at the first malformed line
     */
    public static List<TransferRecord> read(StationHome home, TimeRange range)
            throws StationException, IOException, UnreadableLogException {
        Path file = existingLog(home);
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

    private static Path existingLog(StationHome home) throws StationException {
        Path file = LogFiles.file(home);
        if (!Files.exists(file)) {
            throw new StationException("no transfer log at " + file + "; is " + home.root() + " a station home?");
        }
        return file;
    }
}
