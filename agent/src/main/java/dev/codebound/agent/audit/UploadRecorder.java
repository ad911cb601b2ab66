package dev.codebound.agent.audit;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.upload.ForwardingProgressListener;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Records an upload run in the transfer log as it happens, by listening to the {@link
 * dev.codebound.agent.upload.Uploader}: {@code upload-started} or {@code upload-resumed} when an
 * entry begins, {@code delivered} (with the stored receipt's hash and log index) or {@code rejected}
 * (with the registry's reason code) when it ends. Every call is passed on to {@code next}, so it
 * wraps the progress bar:
 *
 * <pre>{@code
 * new Uploader(config, client, spool, new UploadRecorder(log, spool, TerminalProgressBar.forSystemConsole()))
 * }</pre>
 *
 * <p>The {@code delivered} records are held back and written with the log's next write (see
 * {@link TransferLog#delivered}); whoever runs the upload calls {@link TransferLog#flush} when it
 * ends. A record that cannot be written stops the run with the disk's {@link IOException} (the
 * uploader unwraps the {@link UncheckedIOException} this listener throws): uploads must not go on
 * unrecorded.
 */
public final class UploadRecorder extends ForwardingProgressListener {
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final TransferLog log;
    private final Spool spool;

    public UploadRecorder(TransferLog log, Spool spool, ProgressListener next) {
        super(next);
        this.log = Objects.requireNonNull(log, "log");
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    @Override
    public void entryStarted(String entryId, String filename, long acknowledged, long length) {
        try {
            if (acknowledged == 0) {
                log.uploadStarted(entryId);
            } else {
                log.uploadResumed(entryId, acknowledged);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        super.entryStarted(entryId, filename, acknowledged, length);
    }

    @Override
    public void entryFinished(String entryId, String filename, EntryState state, String reason) {
        try {
            if (state == EntryState.DELIVERED) {
                byte[] receipt = spool.receipt(entryId).orElseThrow(() -> new IOException("entry "
                        + Spool.shortId(entryId) + " is delivered but the spool holds no receipt"));
                log.delivered(entryId, Sha256.hex(receipt), claimedLogIndex(receipt, entryId));
            } else if (state == EntryState.REJECTED) {
                log.rejected(entryId, reasonCode(spool.problem(entryId)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        super.entryFinished(entryId, filename, state, reason);
    }

    /**
     * The leaf index the receipt claims, read without verifying: the log records what the station
     * was given, and {@code audit verify} judges it. A receipt without one, or that cannot be read,
     * is logged at index 0 and fails verification (it carries no inclusion proof).
     */
    static long claimedLogIndex(byte[] receipt, String entryId) {
        try {
            String source = "receipt of entry " + Spool.shortId(entryId);
            return Math.max(0, SignedJson.parse(receipt, ReceiptCodec.FORMAT, source).payloadJson(source)
                    .path("log").path("leafIndex").asLong(0));
        } catch (PkiException e) {
            return 0;
        }
    }

    /** The registry's reason code; the problem's free text never reaches the log. */
    private static String reasonCode(Optional<Problem> problem) {
        if (problem.isEmpty()) {
            return "UNKNOWN";
        }
        String reason = problem.get().reason();
        if (reason != null && REASON.matcher(reason).matches()) {
            return reason;
        }
        return "HTTP_" + problem.get().status();
    }
}
