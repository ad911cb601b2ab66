package dev.codebound.agent.upload;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The station's archive of verified receipts: {@code receipts/<entry id>.json}. A receipt enters
 * it only after it verifies against the trust bundle and describes the very envelope, code and
 * station of its spool entry; a receipt that fails stays in the spool entry and is reported, so an
 * archive file is always proof of delivery.
 *
 * <p>Receipts are verified and archived as they arrive ({@link #listener}), by the upload workers
 * in parallel, each file forced before it is renamed into place; {@link #archiveNew} then takes
 * what a crash or an earlier failed check left behind and makes the new names durable with one
 * directory sync. The spool's journal holds every receipt durably from the moment its entry is
 * DELIVERED, so a name lost to a crash before that sync is archived again by the next run.
 */
public final class ReceiptArchive {
    /** A delivered entry whose receipt could not be archived, and why. */
    public record Invalid(String entryId, String filename, String reason) {}

    /** What this archive did: receipts archived and receipts that failed, in the order handled. */
    public record Result(List<String> archived, List<Invalid> invalid) {}

    private final Path directory;
    private final TrustBundle bundle;
    private final List<String> archived = new ArrayList<>();
    private final List<Invalid> invalid = new ArrayList<>();
    private final Set<String> handled = new HashSet<>();
    /** Whether the archive's directory is known to exist; written by the upload workers. */
    private volatile boolean directoryReady;

    public ReceiptArchive(Path directory, TrustBundle bundle) {
        this.directory = directory;
        this.bundle = bundle;
    }

    /**
     * The entries whose receipts the archive in {@code directory} holds (none when it does not exist
     * yet). A receipt is archived only once it verified and describes its entry.
     */
    public static Set<String> archivedEntries(Path directory) throws IOException {
        Set<String> entries = new HashSet<>();
        if (!Files.isDirectory(directory)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) {
                    entries.add(name.substring(0, name.length() - ".json".length()));
                }
            }
        }
        return entries;
    }

    /**
     * The one entry of the archive in {@code directory} whose id starts with {@code prefix}: for an
     * operator naming an entry that has left the spool once delivered. Empty when none or several match.
     */
    public static Optional<String> archivedEntry(Path directory, String prefix) throws IOException {
        String wanted = prefix.strip().toLowerCase(java.util.Locale.ROOT);
        List<String> matches = archivedEntries(directory).stream().filter(id -> id.startsWith(wanted)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /** The archive file of an entry. */
    public Path file(String entryId) {
        return directory.resolve(entryId + ".json");
    }

    /**
     * A listener that archives each receipt as its entry is delivered, then passes every call on to
     * {@code next}. A receipt file that cannot be written stops the run with the disk's error (the
     * uploader unwraps the {@link UncheckedIOException}).
     */
    public ProgressListener listener(Spool spool, ProgressListener next) {
        return new ForwardingProgressListener(next) {
            @Override
            public void entryFinished(String entryId, String filename, EntryState state, String reason) {
                if (state == EntryState.DELIVERED) {
                    try {
                        archive(spool, spool.entry(entryId).orElseThrow());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                super.entryFinished(entryId, filename, state, reason);
            }
        };
    }

    /**
     * Verifies and archives the receipt of every DELIVERED entry not yet archived (including ones a
     * crash or an earlier failed check left behind), makes the archive's new names durable, and
     * returns everything this archive did, during the run and now.
     */
    public Result archiveNew(Spool spool) throws IOException {
        // A run killed while writing a receipt left its temporary file; the receipt is archived again below.
        DurableFiles.removeStaleTemporaries(directory);
        for (SpoolEntry entry : spool.entries()) {
            if (entry.state() == EntryState.DELIVERED && !isHandled(entry.id()) && !Files.exists(file(entry.id()))) {
                archive(spool, entry);
            }
        }
        if (Files.isDirectory(directory)) {
            DurableFiles.syncDirectory(directory);
        }
        synchronized (this) {
            return new Result(List.copyOf(archived), List.copyOf(invalid));
        }
    }

    private synchronized boolean isHandled(String entryId) {
        return handled.contains(entryId);
    }

    private void archive(Spool spool, SpoolEntry entry) throws IOException {
        Optional<Invalid> refused = verifyAndWrite(entry, spool.receipt(entry.id()));
        synchronized (this) {
            handled.add(entry.id());
            if (refused.isPresent()) {
                invalid.add(refused.get());
            } else {
                archived.add(entry.id());
            }
        }
    }

    private Optional<Invalid> verifyAndWrite(SpoolEntry entry, Optional<byte[]> receipt) throws IOException {
        if (receipt.isEmpty()) {
            return Optional.of(new Invalid(entry.id(), entry.info().filename(), "no receipt is stored"));
        }
        try {
            check(ReceiptCodec.verify(receipt.get(), bundle, "receipt of " + Spool.shortId(entry.id())), entry);
        } catch (PkiException e) {
            return Optional.of(new Invalid(entry.id(), entry.info().filename(), "receipt does not verify: "
                    + e.getMessage()));
        }
        writeForced(file(entry.id()), receipt.get());
        return Optional.empty();
    }

    /**
     * Temporary file, forced, renamed over the target: a crash leaves the old name, or the whole new
     * file, never a torn one. The directory is synced once per run, by {@link #archiveNew}.
     */
    private void writeForced(Path target, byte[] content) throws IOException {
        if (!directoryReady) {
            // Once per archive, not per receipt: the directory does not go away while a station uploads.
            Files.createDirectories(directory);
            directoryReady = true;
        }
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + Thread.currentThread().getId()
                + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // After a successful move there is no temporary file left to delete.
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** A genuine receipt for another envelope proves nothing about this one. */
    private static void check(Receipt receipt, SpoolEntry entry) {
        if (!receipt.envelopeSha256().equals(entry.id()) || receipt.envelopeLength() != entry.info().length()) {
            throw new PkiException("it is for envelope " + receipt.envelopeSha256() + ", not this entry's");
        }
        if (!receipt.codeId().equals(entry.info().codeId())) {
            throw new PkiException("it names code " + receipt.codeId() + ", not " + entry.info().codeId());
        }
        if (!receipt.stationId().equals(entry.info().stationId())) {
            throw new PkiException("it names station " + receipt.stationId() + ", not " + entry.info().stationId());
        }
    }
}
