package dev.codebound.agent.watch;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.capture.PhotoSealer;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoReport;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a station does with scanned codes and finished photos, shared by {@code watch} and the desk
 * service: verifies a scan against the current trust bundle, finds the code of a photo named after
 * it, and checks and seals a photo for its code into the spool. Printing, pairing and the folder's
 * bookkeeping stay with the caller.
 */
public final class PhotoIntake {
    private static final String CODE_ID = "[A-Z2-7]{16}";

    private final StationContext station;
    private final PhotoInspector inspector;

    /** An intake for {@code station}, checking photos against its configured specification. */
    public PhotoIntake(StationContext station) throws StationException {
        this.station = station;
        this.inspector = new PhotoInspector(station.photoSpec());
    }

    /** The station this intake serves. */
    public StationContext station() {
        return station;
    }

    /**
     * Verifies a scanned code, offline, against the current trust bundle and the station's schools.
     *
     * @throws CodeException when the code is refused (forged, expired, revoked, another school)
     */
    public VerifiedCode verify(String text) throws CodeException, StationException {
        return new CodeVerifier(station.bundle(), station.config().schools()).verify(text,
                station.clock().instant());
    }

    /**
     * The code a photo named {@code <code id>.jpg} was scanned for, looked up in {@code scanned}.
     *
     * @return the scanned code, or the reason the photo cannot be paired by its name
     */
    public static Lookup byName(Path photo, ScannedCodes scanned) throws IOException {
        Optional<String> codeId = codeIdInName(photo);
        if (codeId.isEmpty()) {
            return new Lookup(Optional.empty(), "the file name is not <code id>.jpg; name photos after the code id, "
                    + "or use --pair-with-last-code");
        }
        String stem = codeId.get();
        Optional<ScannedCodes.Scanned> code = scanned.find(stem);
        return code.isPresent() ? new Lookup(code, null) : new Lookup(code, "no scanned code has id " + stem
                + "; scan it first ('code verify --remember' or 'watch --code-stdin'), then move the photo back");
    }

    /** The code id a photo's file name gives ({@code <code id>.jpg}, any case), if it gives one. */
    static Optional<String> codeIdInName(Path photo) {
        String name = photo.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).toUpperCase(Locale.ROOT);
        return stem.matches(CODE_ID) ? Optional.of(stem) : Optional.empty();
    }

    /**
     * The code found for a photo, or why there is none.
     *
     * @param code    the scanned code, when found
     * @param problem why none was found, or {@code null}
     */
    public record Lookup(Optional<ScannedCodes.Scanned> code, String problem) {}

    /** Reads a photo, at most the spec's largest file size plus one byte (so a larger one is seen as such). */
    public byte[] read(Path photo) throws IOException {
        try (InputStream in = Files.newInputStream(photo)) {
            return in.readNBytes((int) inspector.spec().maxFileBytes() + 1);
        }
    }

    /** What became of one photo. */
    public sealed interface Outcome {}

    /**
     * The photo was not sealed.
     *
     * @param reason what was wrong and what to do, possibly over several lines
     * @param report the inspection, when the photo was inspected; {@code null} when the code was refused
     */
    public record Refused(String reason, PhotoReport report) implements Outcome {}

    /**
     * The photo was sealed and spooled.
     *
     * @param code    the code it was sealed for, verified again at sealing
     * @param spooled the spool entry and the inspection (warnings only)
     */
    public record Spooled(VerifiedCode code, PhotoSealer.Spooled spooled) implements Outcome {}

    /**
     * One batch of photos under one trust bundle: the code verifier and the sealer are built once for
     * the batch. The station must be fit to seal ({@link StationContext#requireFitToSeal()}).
     */
    public Batch batch() throws StationException {
        TrustBundle bundle = station.bundle();
        return new Batch(new CodeVerifier(bundle, station.config().schools()),
                new PhotoSealer(inspector, station.envelopeSigner(), bundle, station.clock()));
    }

    /** Seals photos of one batch; see {@link #batch()}. */
    public final class Batch {
        private final CodeVerifier verifier;
        private final PhotoSealer sealer;

        private Batch(CodeVerifier verifier, PhotoSealer sealer) {
            this.verifier = verifier;
            this.sealer = sealer;
        }

        /**
         * Verifies {@code code} again (it may have expired or been revoked since the scan), checks
         * {@code photo} and, if both pass, seals it into {@code spool}, recording in {@code log}.
         *
         * @param file       the photo's file, inspected by its size alone when {@code photo} (as {@link #read}
         *                   returned it) is larger than the spec allows
         * @param retakeHint a line to add to a refusal by the specification, or {@code null}
         * @throws IOException       when the station's disk fails
         * @throws EnvelopeException when sealing fails (a key or trust bundle problem)
         */
        public Outcome capture(Path file, byte[] photo, ScannedCodes.Scanned code, Spool spool, TransferLog log,
                String retakeHint) throws IOException, EnvelopeException {
            VerifiedCode verified;
            try {
                verified = verifier.verify(code.text(), station.clock().instant());
            } catch (CodeException e) {
                return new Refused("collection code refused: " + e.getMessage(), null);
            }
            PhotoSealer.Outcome outcome;
            if (photo.length > inspector.spec().maxFileBytes()) {
                log.codeVerifiedWithNextRecord(verified.codeId());
                outcome = new PhotoSealer.Refused(inspector.inspect(file));
            } else {
                outcome = sealer.capture(verified, photo, spool, log);
            }
            if (outcome instanceof PhotoSealer.Refused refused) {
                return new Refused("photo refused by the specification:" + System.lineSeparator()
                        + lines(refused.report())
                        + (retakeHint == null ? "" : System.lineSeparator() + "  " + retakeHint), refused.report());
            }
            return new Spooled(verified, (PhotoSealer.Spooled) outcome);
        }
    }

    /**
     * The photos among {@code photos} (a hot folder's photos at start) that this station has sealed
     * before: a crash took back their move to {@code done/}. See {@link SealedLeftovers}.
     */
    public List<SealedLeftovers.Leftover> sealedLeftovers(List<Path> photos) throws IOException, StationException {
        return SealedLeftovers.find(station, photos, this::read, inspector.spec().maxFileBytes());
    }

    /** One finding per line, e.g. {@code   ERROR dimensions: photo is 600×800; must be 480×640}. */
    public static String lines(PhotoReport report) {
        StringBuilder text = new StringBuilder();
        for (Finding finding : report.findings()) {
            text.append(text.length() == 0 ? "" : System.lineSeparator()).append("  ").append(finding);
        }
        return text.toString();
    }
}
