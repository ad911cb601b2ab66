package dev.codebound.agent.capture;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.EnvelopeSigner;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoReport;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The capture step shared by {@code capture} and {@code watch}: inspects a photo, and if the spec
 * allows it, seals it for its verified code and puts the envelope in the spool.
 *
 * <p>The photo is read into memory once and the same bytes are inspected and sealed, so a file
 * that changes in between (a camera still writing) cannot slip an uninspected photo into an
 * envelope. No plaintext copy is ever written: the envelope is sealed straight into the spool
 * ({@link Spool#stage(dev.codebound.protocol.io.DurableFiles.ContentWriter)}), so its bytes are
 * written and forced once.
 */
public final class PhotoSealer {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final PhotoInspector inspector;
    private final EnvelopeSigner signer;
    private final TrustBundle bundle;
    private final Clock clock;

    /** A sealer that signs with {@code signer}'s credentials and seals with its suite. */
    public PhotoSealer(PhotoInspector inspector, EnvelopeSigner signer, TrustBundle bundle, Clock clock) {
        this.inspector = Objects.requireNonNull(inspector, "inspector");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What became of one photo. */
    public sealed interface Outcome {
        /** The inspection, errors and warnings. */
        PhotoReport report();
    }

    /** The spec refused the photo; nothing was sealed. */
    public record Refused(PhotoReport report) implements Outcome {}

    /** The photo was sealed and spooled as {@code entry}. */
    public record Spooled(PhotoReport report, SpoolEntry entry, long photoBytes) implements Outcome {}

    /**
     * Inspects {@code photo} and, unless it has errors, seals it for {@code code} into {@code spool},
     * recording the verified code and the capture in the station's transfer log: after the envelope
     * is copied into the spool (a disk that refuses the copy leaves no capture record) and before it
     * becomes an entry (so the log never misses an entry that exists; after a crash at that instant
     * it may name an envelope the spool never got).
     *
     * @throws IOException       when the photo cannot be read or the station's disk fails
     * @throws EnvelopeException when sealing fails (a station key or trust bundle problem)
     */
    public Outcome capture(VerifiedCode code, Path photo, Spool spool, TransferLog log)
            throws IOException, EnvelopeException {
        // Synced in the background while the photo is inspected and sealed, durable at the latest with the capture
        // record below: it records a verification, which nothing that follows depends on.
        log.codeVerifiedWithNextRecord(code.codeId());
        long limit = inspector.spec().maxFileBytes();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(photo)) {
            bytes = in.readNBytes((int) limit + 1);
        }
        if (bytes.length > limit) {
            return new Refused(inspector.inspect(photo));
        }
        return seal(code, bytes, spool, log);
    }

    /**
     * {@link #capture(VerifiedCode, Path, Spool, TransferLog)} for a photo already read into memory
     * (the desk service keeps it there to show it): the same bytes are inspected and sealed.
     */
    public Outcome capture(VerifiedCode code, byte[] photo, Spool spool, TransferLog log)
            throws IOException, EnvelopeException {
        log.codeVerifiedWithNextRecord(code.codeId());
        return seal(code, photo, spool, log);
    }

    private Outcome seal(VerifiedCode code, byte[] bytes, Spool spool, TransferLog log)
            throws IOException, EnvelopeException {
        PhotoReport report = inspector.inspect(bytes);
        if (report.hasErrors()) {
            return new Refused(report);
        }
        Instant captured = clock.instant();
        EnvelopeSealer sealer = EnvelopeSealer.forBundle(signer.credentials(), bundle, captured, signer.suite());
        // The display name carries the code id and time, never the original file name, which may name the student.
        String filename = code.codeId() + "-" + FILE_TIME.format(captured) + ".cms";
        // The order keeps two promises. The envelope is sealed into the spool and forced first: that is the large
        // write, so a full disk refuses it before anything is logged, and the log never claims a capture whose
        // envelope the disk refused. The record is durable before the envelope becomes an entry (the entry id is
        // the envelope's SHA-256): a crash in between leaves a record of an envelope that never reached the
        // spool (the photo is captured again, as a new envelope), never a spooled envelope the log does not
        // know, which 'audit verify' would report for ever once it is delivered ("delivered but its capture
        // is not in the log").
        Binding[] binding = new Binding[1];
        SpoolEntry entry;
        try (Spool.Staged staged = spool.stage(out -> binding[0] = seal(sealer, bytes, code, captured, out))) {
            log.captured(staged.sha256(), code.codeId(), staged.length(), binding[0].photoDigestHex());
            entry = spool.commit(staged, code.codeId(), signer.credentials().stationId(), filename);
        } catch (SealingFailure e) {
            throw e.getCause();
        }
        return new Spooled(report, entry, bytes.length);
    }

    private static Binding seal(EnvelopeSealer sealer, byte[] photo, VerifiedCode code, Instant captured,
            OutputStream out) throws IOException {
        try {
            return sealer.seal(PhotoSource.of(photo), code, CaptureMetadata.jpeg(captured), out);
        } catch (EnvelopeException e) {
            throw new SealingFailure(e);
        }
    }

    /** Carries a sealing failure out of the spool's writer callback, which may throw only I/O errors. */
    private static final class SealingFailure extends IOException {
        SealingFailure(EnvelopeException cause) {
            super(cause);
        }

        @Override
        public synchronized EnvelopeException getCause() {
            return (EnvelopeException) super.getCause();
        }
    }
}
