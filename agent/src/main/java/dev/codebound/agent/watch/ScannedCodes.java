package dev.codebound.agent.watch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Collection codes scanned at the station and not yet paired with a photo, for the hot folder:
 * a small durable map from code id to code text, in scan order. {@code code verify --remember}
 * and {@code watch --code-stdin} add to it; {@code watch} looks codes up by the id in a photo's
 * file name. ({@code watch --pair-with-last-code} neither reads nor adds to it: a pairing is opened
 * only by a scan that watch itself read, and lives in memory, see {@link PhotoPairing}.)
 *
 * <p>It stores what the QR code shows (the code text, whose identity part is sealed to the
 * registry) and nothing else: no photo, no name in clear. Codes are re-verified when a photo is
 * sealed, so an entry that expired or was revoked since it was scanned is refused then. Entries
 * older than {@link #RETENTION} are dropped on every write, and at most {@link #CAPACITY} are kept.
 *
 * <p>File: {@code {"codes":[{"codeId":..,"text":..,"scannedAt":..},..]}}, oldest first, replaced
 * atomically; writers from different processes take an OS lock on a sibling {@code .lock} file.
 * The parsed codes are kept in memory and read again only when the file was replaced (another
 * inode, size or modification time), so that a lookup per photo costs a {@code stat}, not a parse
 * of up to {@link #CAPACITY} codes.
 */
public final class ScannedCodes {
    /** How long a scanned code stays remembered: a shoot day, with margin for a late upload of the photos. */
    public static final Duration RETENTION = Duration.ofDays(3);
    /** Most codes kept: far more than a station photographs in a day. */
    public static final int CAPACITY = 2000;

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** One remembered code. */
    public record Scanned(String codeId, String text, Instant scannedAt) {}

    private record Stored(List<Scanned> codes) {}

    /** The codes as parsed from one version of the file, identified by its attributes. */
    private record Cached(Object fileKey, long size, FileTime modified, List<Scanned> codes) {
        boolean isOf(BasicFileAttributes attributes) {
            return Objects.equals(fileKey, attributes.fileKey()) && size == attributes.size()
                    && modified.equals(attributes.lastModifiedTime());
        }
    }

    private final Path file;
    private Cached cached;

    public ScannedCodes(Path file) {
        this.file = file;
    }

    /** Remembers {@code code} as the most recently scanned (scanning it again moves it to the end). */
    public void remember(VerifiedCode code, Instant now) throws IOException {
        remember(List.of(code), now);
    }

    /**
     * Remembers {@code codes}, in scan order, with one durable write for all of them: a scanner that
     * types a batch of codes (or {@code watch --once} reading them all first) costs one file
     * replacement, not one per code.
     */
    public void remember(List<VerifiedCode> codes, Instant now) throws IOException {
        if (codes.isEmpty()) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            List<Scanned> kept = new ArrayList<>(read());
            kept.removeIf(scanned -> scanned.scannedAt().isBefore(now.minus(RETENTION)));
            for (VerifiedCode code : codes) {
                kept.removeIf(scanned -> scanned.codeId().equals(code.codeId()));
                kept.add(new Scanned(code.codeId(), code.text(), now));
            }
            // Stable: codes scanned at the same instant keep their scan order.
            kept.sort(Comparator.comparing(Scanned::scannedAt));
            kept = List.copyOf(kept.subList(Math.max(0, kept.size() - CAPACITY), kept.size()));
            DurableFiles.writePrivate(file, JSON.writeValueAsBytes(new Stored(kept)));
            // Still under the OS lock: no other writer can have replaced the file since.
            keep(Files.readAttributes(file, BasicFileAttributes.class), kept);
        }
    }

    /** The code scanned with id {@code codeId}, if remembered. */
    public Optional<Scanned> find(String codeId) throws IOException {
        return read().stream().filter(scanned -> scanned.codeId().equals(codeId)).findFirst();
    }

    private synchronized void keep(BasicFileAttributes attributes, List<Scanned> codes) {
        cached = new Cached(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), codes);
    }

    /** The codes in the file, parsed again only when the file is not the one last parsed or written. */
    private synchronized List<Scanned> read() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cached = null;
            return List.of();
        }
        if (cached != null && cached.isOf(attributes)) {
            return cached.codes();
        }
        List<Scanned> codes = parse();
        keep(attributes, codes);
        return codes;
    }

    private List<Scanned> parse() throws IOException {
        try {
            Stored stored = JSON.readValue(Files.readAllBytes(file), Stored.class);
            if (stored == null) {
                throw notScannedCodes("null instead of an object");
            }
            if (stored.codes() == null) {
                return List.of();
            }
            for (int i = 0; i < stored.codes().size(); i++) {
                Scanned scanned = stored.codes().get(i);
                if (scanned == null || scanned.codeId() == null || scanned.text() == null
                        || scanned.scannedAt() == null) {
                    // Every lookup and every write compares these fields: a gap must be reported, not crash watch.
                    throw notScannedCodes("codes[" + i + "] lacks codeId, text or scannedAt");
                }
            }
            return List.copyOf(stored.codes());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not a scanned-codes file (" + e.getOriginalMessage()
                    + "); delete it and scan the codes again", e);
        }
    }

    private IOException notScannedCodes(String reason) {
        return new IOException(file + " is not a scanned-codes file (" + reason
                + "); delete it and scan the codes again");
    }

    private Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }
}
