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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The station's archive of verified receipts: {@code receipts/<entry id>.json}. A receipt enters
 * it only after it verifies against the trust bundle and describes the very envelope, code and
 * station of its spool entry; a receipt that fails stays in the spool entry and is reported, so an
 * archive file is always proof of delivery.
 */
public final class ReceiptArchive {
    /** A delivered entry whose receipt could not be archived, and why. */
    public record Invalid(String entryId, String filename, String reason) {}

    /** What one pass over the spool found. */
    public record Result(List<String> archived, List<Invalid> invalid) {}

    private final Path directory;
    private final TrustBundle bundle;

    public ReceiptArchive(Path directory, TrustBundle bundle) {
        this.directory = directory;
        this.bundle = bundle;
    }

    /** The archive file of an entry. */
    public Path file(String entryId) {
        return directory.resolve(entryId + ".json");
    }

    /**
     * Verifies and archives the receipt of every DELIVERED entry not yet archived (including ones a
     * crash or an earlier failed check left behind).
     */
    public Result archiveNew(Spool spool) throws IOException {
        List<String> archived = new ArrayList<>();
        List<Invalid> invalid = new ArrayList<>();
        for (SpoolEntry entry : spool.entries()) {
            if (entry.state() != EntryState.DELIVERED || Files.exists(file(entry.id()))) {
                continue;
            }
            Optional<byte[]> receipt = spool.receipt(entry.id());
            if (receipt.isEmpty()) {
                invalid.add(new Invalid(entry.id(), entry.info().filename(), "no receipt is stored"));
                continue;
            }
            try {
                check(ReceiptCodec.verify(receipt.get(), bundle, "receipt of " + Spool.shortId(entry.id())), entry);
            } catch (PkiException e) {
                invalid.add(new Invalid(entry.id(), entry.info().filename(), "receipt does not verify: "
                        + e.getMessage()));
                continue;
            }
            DurableFiles.write(file(entry.id()), receipt.get());
            archived.add(entry.id());
        }
        return new Result(archived, invalid);
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
