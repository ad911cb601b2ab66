package dev.codebound.agent.watch;

import dev.codebound.agent.audit.Field;
import dev.codebound.agent.audit.LogReader;
import dev.codebound.agent.audit.TransferRecord;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.protocol.envelope.Suite;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Photos that a crash left in the hot folder after sealing them. A photo moves to {@code done/}
 * once its envelope is committed to the spool, and that rename is not forced to disk (one directory
 * sync per photo would double capture's syncs for a window of milliseconds); after a power cut in
 * between, the photo is back in the folder while its envelope is safe in the spool. Sealed again it
 * would reach the registry twice, the second time as a retake of the same graduate. So, once at
 * start and before any photo is sealed, every photo already in the folder whose digest the transfer
 * log records as captured, and whose envelope is still a spool entry, is recognised as that
 * capture's original instead. (An entry is removed from the spool only long after its photo moved:
 * after delivery and the retention period, or by an operator.)
 *
 * <p>The digest is the one the binding records (SHA-256, or SM3 for suite 2), under the station's
 * current suite; the transfer log is read only when the folder holds photos at start, and then only
 * back to the capture of the oldest spool entry, whatever the station's history. A photo named
 * after a code ({@code <code id>.jpg}) is a leftover only of a capture for that same code, so one named
 * after a code the log never captured is not even read: a folder of new photos costs no second read and
 * hash of each.
 */
public final class SealedLeftovers {
    /**
     * A photo sealed before: its envelope is spool entry {@code entryId}, bound to {@code codeId}.
     *
     * @param photo   the photo in the hot folder
     * @param entryId the spool entry (envelope SHA-256) of its capture
     * @param codeId  the code it was sealed for
     */
    public record Leftover(Path photo, String entryId, String codeId) {}

    /** Reads a photo as capture does: at most the largest file the specification allows, plus one byte. */
    @FunctionalInterface
    public interface PhotoReader {
        byte[] read(Path photo) throws IOException;
    }

    private SealedLeftovers() {}

    /**
     * The photos among {@code photos} that the station has sealed before, in the given order.
     * Photos larger than {@code maxPhotoBytes} (the specification's limit) were never sealed; the
     * reader stops one byte past it.
     *
     * @throws IOException      when the transfer log or a photo cannot be read (a photo that vanished
     *                          meanwhile is skipped)
     * @throws StationException when the station's transfer log is missing or unreadable
     */
    public static List<Leftover> find(StationContext station, List<Path> photos, PhotoReader reader,
            long maxPhotoBytes) throws IOException, StationException {
        if (photos.isEmpty()) {
            return List.of();
        }
        // The capture record is written before the envelope becomes an entry: a crash in between leaves a
        // record of an envelope the spool never got, and that photo must be sealed again. So only the captures
        // of entries still in the spool count, and only they are looked for in the log.
        Set<String> spooled = Spool.peek(station.home().spool()).stream().map(SpoolEntry::id)
                .collect(Collectors.toSet());
        Map<String, TransferRecord> captures = capturesByPhotoDigest(station, spooled);
        if (captures.isEmpty()) {
            return List.of();
        }
        Set<String> capturedCodes = captures.values().stream()
                .map(capture -> (String) capture.fields().get(Field.CODE_ID.jsonName())).collect(Collectors.toSet());
        Suite suite = station.envelopeSigner().suite();
        List<Leftover> leftovers = new ArrayList<>();
        for (Path photo : photos) {
            Optional<String> namedFor = PhotoIntake.codeIdInName(photo);
            if (namedFor.isPresent() && !capturedCodes.contains(namedFor.get())) {
                // Named after a code never captured: a leftover of no capture, whatever its bytes; not read nor hashed.
                continue;
            }
            byte[] bytes;
            try {
                bytes = reader.read(photo);
            } catch (NoSuchFileException gone) {
                continue;
            }
            if (bytes.length > maxPhotoBytes) {
                continue;
            }
            TransferRecord capture = captures.get(suite.photoDigestHex(bytes));
            if (capture == null) {
                continue;
            }
            String codeId = (String) capture.fields().get(Field.CODE_ID.jsonName());
            // The same photo named after another code is not a leftover: the checks for that code decide.
            if (namedFor.map(codeId::equals).orElse(true)) {
                leftovers.add(new Leftover(photo, capture.entryId().orElseThrow(), codeId));
            }
        }
        return List.copyOf(leftovers);
    }

    /**
     * The captures of the spooled entries, by photo digest; of two captures of the same photo, the later.
     * Read from the log's end only as far back as the oldest of them ({@link LogReader#capturesOf}).
     */
    private static Map<String, TransferRecord> capturesByPhotoDigest(StationContext station, Set<String> spooled)
            throws IOException, StationException {
        Map<String, TransferRecord> captures = new HashMap<>();
        try {
            for (TransferRecord capture : LogReader.capturesOf(station.home(), spooled).values()) {
                captures.merge((String) capture.fields().get(Field.PHOTO_SHA256.jsonName()), capture,
                        (one, other) -> one.seq() > other.seq() ? one : other);
            }
        } catch (LogReader.UnreadableLogException e) {
            throw new StationException(e.getMessage());
        }
        return captures;
    }
}
