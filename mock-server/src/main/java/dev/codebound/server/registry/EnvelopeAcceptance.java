package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.upload.CompletionHandler;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.ReceivedBytes;
import dev.codebound.server.upload.UploadBytes;
import dev.codebound.server.upload.UploadInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registry's decision on a completed upload: open the envelope (signature, station certificate
 * chain and revocation, code validity at capture time, binding in both layers, GCM tag), check it
 * against who uploaded it, check its photo against the photo specification, check it against what
 * the registry knows, and either archive it with a signed receipt or reject it with a specific,
 * machine-readable reason.
 *
 * <p><b>A bad envelope is never reported as our failure, by construction.</b> Acceptance is three
 * kinds of step, and only the storage steps can throw:
 * <ol>
 *   <li>storage: hash the upload's bytes, find an earlier acceptance, read the bytes into memory
 *       (at most {@link #MAX_ENVELOPE_BYTES}; a longer envelope cannot hold a photo within the
 *       specification and is refused unread);</li>
 *   <li>pure: {@link EnvelopeJudge} judges those bytes and returns a verdict, admissible or refused;
 *       every exception of parsing and decrypting untrusted bytes in memory is the envelope's fault
 *       (see its class comment); it throws only if the code record a format 2 envelope's proof is
 *       checked against cannot be read;</li>
 *   <li>storage: check the verified binding against the registry's records (station enrolled with
 *       this certificate, code issued here), then the sequencer's batch: append to the log, archive,
 *       write the record.</li>
 * </ol>
 * An exception from a storage step (an {@link IOException}, or a runtime failure of the registry's
 * own code over its own data) propagates, which the transport answers with 500
 * {@code STORAGE_FAILURE} and retries (see {@link CompletionHandler}); every refusal is a 422
 * problem, recorded as the upload's terminal outcome. Decrypted photo bytes exist only in memory,
 * inside the judge, and are never logged.
 *
 * <p>Steps 1 to 3 run on the storage thread of the upload, in parallel with other uploads' and
 * without a lock; only the sequencing (log index, version, receipt, archive record) is serialized,
 * in batches, by the {@link AcceptanceSequencer}. The order of durable writes makes every crash
 * point repairable: the envelope is appended to the transparency log, then adopted by the archive
 * (its bytes taken over, not copied), then its record (with the signed receipt) is written; only
 * the record makes it accepted. A retry after a crash finds the log entry by the envelope's hash
 * and reuses it, so the log never holds an envelope twice.
 *
 * <p>Idempotent by envelope hash: the same envelope uploaded again, by any upload, gets the receipt
 * it got the first time and is stored once. A different envelope for the same code (a retake) is a
 * new version; earlier versions are kept.
 */
public final class EnvelopeAcceptance implements CompletionHandler {
    /**
     * The longest envelope acceptance reads: the largest photo the specification allows plus a
     * generous allowance for the envelope's own structure (certificate, binding, key agreement,
     * GCM tag: about 2 KB in practice).
     */
    static final long MAX_ENVELOPE_BYTES = PhotoSpec.defaults().maxFileBytes() + 64 * 1024;

    private final Registry registry;
    private final PhotoArchive archive;
    private final Path temporaryDirectory;
    private final PhotoInspector inspector = new PhotoInspector(PhotoSpec.defaults());
    private final AcceptanceSequencer sequencer;

    public EnvelopeAcceptance(Registry registry, PhotoArchive archive, Path temporaryDirectory) throws IOException {
        this.registry = registry;
        this.archive = archive;
        this.sequencer = new AcceptanceSequencer(registry, archive);
        this.temporaryDirectory = DurableFiles.createPrivateDirectory(temporaryDirectory);
        removeLeftoverPlaintext();
    }

    /** Decrypted photos a crash left behind in the private directory must not outlive the crash. */
    private void removeLeftoverPlaintext() throws IOException {
        try (var leftovers = Files.newDirectoryStream(temporaryDirectory)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    @Override
    public CompletionOutcome complete(UploadInfo upload, UploadBytes bytes) throws IOException {
        String instance = instance(upload);
        // An envelope that fits is read once (not at all when it is still in memory as received), and hashed
        // (unless its SHA-256 was computed as it arrived) and judged from memory.
        byte[] envelope = upload.length() <= MAX_ENVELOPE_BYTES ? bytes.readAll() : null;
        Optional<byte[]> known = bytes.knownSha256();
        String envelopeSha256 = known.isPresent() ? HexFormat.of().formatHex(known.get())
                : envelope != null ? sha256Hex(envelope) : sha256Hex(bytes);
        Optional<String> declared = upload.metadata().get(Tus.Metadata.ENVELOPE_SHA256);
        if (declared.isPresent() && !declared.get().toLowerCase(Locale.ROOT).equals(envelopeSha256)) {
            return reject(ProblemType.ENVELOPE_HASH_MISMATCH, "the uploaded bytes hash to "
                    + envelopeSha256 + ", not to the envelope-sha256 metadata " + declared.get()
                    + "; the file changed or was corrupted before upload", instance);
        }
        Optional<PhotoArchive.AcceptedPhoto> earlier = archive.find(envelopeSha256);
        if (earlier.isPresent()) {
            return again(earlier.get(), upload, instance);
        }
        if (envelope == null) {
            return reject(ProblemType.ENVELOPE_TOO_LARGE, "the envelope is " + upload.length()
                    + " bytes; one that holds a photo within the photo specification (at most "
                    + inspector.spec().maxFileBytes() + " bytes) is at most " + MAX_ENVELOPE_BYTES + " bytes", instance);
        }
        CodeLookup codes = new CodeLookup(registry.codes());
        EnvelopeJudge judge = new EnvelopeJudge(registry.trustBundles().currentBundle(),
                List.of(registry.keyring().encryption(), registry.keyring().sm2Encryption()),
                codes, registry.clock(), temporaryDirectory, inspector);
        EnvelopeJudge.Verdict verdict = judge.judge(envelope, upload);
        if (verdict instanceof EnvelopeJudge.Verdict.Refused refused) {
            return new CompletionOutcome.Rejected(refused.problem());
        }
        // The archive takes over the store's durable copy (its link or server-side copy), not the one in memory.
        UploadBytes durable = bytes instanceof ReceivedBytes received ? received.stored() : bytes;
        return decide(upload, durable, envelopeSha256, (EnvelopeJudge.Verdict.Admissible) verdict, codes, instance);
    }

    /**
     * Checks an admissible envelope against the registry's records and, if they agree, has it
     * sequenced; {@code codes} holds the code record the opening already read, if it read one.
     */
    private CompletionOutcome decide(UploadInfo upload, UploadBytes bytes, String envelopeSha256,
            EnvelopeJudge.Verdict.Admissible admissible, CodeLookup codes, String instance) throws IOException {
        Binding binding = admissible.binding();
        String serial = admissible.signerSerialHex();
        // Recorded, not only this node's view: the station may have enrolled on another node a moment ago.
        Optional<StationDirectory.Station> station = registry.stations().findRecorded(binding.stationId());
        if (station.isPresent() && station.get().signingSerialHex(binding.suiteId()).isEmpty()) {
            return reject(ProblemType.SUITE_CERTIFICATE_MISMATCH, "station " + binding.stationId()
                    + " sealed the envelope with suite " + binding.suiteId() + " but enrolled without a signing "
                    + "certificate for that suite; set envelope.suite to the suite it enrolled for, or enroll it "
                    + "again (enroll --force) with envelope.suite = " + binding.suiteId(), instance);
        }
        if (station.isEmpty() || !station.get().signingSerialHex(binding.suiteId()).get().equals(serial)) {
            return reject(ProblemType.ENVELOPE_STATION_UNKNOWN, "station " + binding.stationId()
                    + " with certificate serial " + serial + " was not enrolled at this registry", instance);
        }
        if (codes.find(binding.codeId()).isEmpty()) {
            return reject(ProblemType.ENVELOPE_CODE_UNKNOWN, "code " + binding.codeId()
                    + " was not issued by this registry", instance);
        }
        return sequencer.accept(new AcceptanceSequencer.Candidate(upload, bytes, envelopeSha256, binding, instance));
    }

    /**
     * An envelope the registry already accepted, uploaded again: its sealer gets the receipt it got
     * the first time; any other station is refused exactly as if the envelope were new to the
     * registry (its receipt is the sealer's, as {@code GET /registry/v1/receipts/{sha256}} says).
     */
    static CompletionOutcome again(PhotoArchive.AcceptedPhoto earlier, UploadInfo upload, String instance) {
        if (!earlier.stationId().equals(upload.stationId())) {
            return reject(ProblemType.ENVELOPE_STATION_MISMATCH, "the envelope was sealed by "
                    + "station " + earlier.stationId() + " but uploaded by station " + upload.stationId()
                    + "; each station uploads only what it sealed", instance);
        }
        return new CompletionOutcome.Accepted(earlier.receipt().getBytes(StandardCharsets.UTF_8));
    }

    /** Every refusal is a 422: the upload arrived whole, and its content is what the registry refuses. */
    private static CompletionOutcome reject(ProblemType type, String detail, String instance) {
        return new CompletionOutcome.Rejected(type.problem(detail, instance));
    }

    /** The upload a problem concerns, as its {@code instance}. */
    static String instance(UploadInfo upload) {
        return "/files/" + upload.id().value();
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Providers.bulkSha256().digest(bytes));
    }

    static String sha256Hex(UploadBytes bytes) throws IOException {
        try (InputStream in = bytes.open()) {
            MessageDigest digest = Providers.bulkSha256();
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
