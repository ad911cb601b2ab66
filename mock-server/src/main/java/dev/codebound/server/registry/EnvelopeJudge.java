package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.CodeProofKey;
import dev.codebound.protocol.envelope.CodeProofKeys;
import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.OpenedEnvelope;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoReport;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.upload.UploadInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The pure step of acceptance: judges one uploaded envelope, already read into memory, on its own
 * and against its upload, and returns a {@link Verdict}. It never throws: whatever the bytes, the
 * answer is {@link Verdict.Admissible} or {@link Verdict.Refused} with a specific reason.
 *
 * <p>In order, the first failure deciding:
 * <ol>
 *   <li>the envelope opens ({@link EnvelopeOpener}: structure, suite, signature, signer, capture time,
 *       recipient, GCM tag, bindings, collection code: its text in format 1, its code proof checked with
 *       the registry's code key in format 2); its {@link EnvelopeException.Reason} is the refusal's
 *       reason, or {@code CODE_} + the code's reason;</li>
 *   <li>its suite is one the registry accepts, i.e. lists in its trust bundle
 *       ({@code SUITE_NOT_ACCEPTED});</li>
 *   <li>it was sealed by the station that uploaded it ({@code STATION_MISMATCH}) for the code its
 *       {@code code-id} metadata names ({@code METADATA_MISMATCH});</li>
 *   <li>the photo is declared {@code image/jpeg} ({@code PHOTO_NOT_JPEG}) and meets the photo
 *       specification, checked by the same {@link PhotoInspector} the stations run
 *       ({@code PHOTO_OUT_OF_SPEC}, the detail listing every ERROR finding).</li>
 * </ol>
 *
 * <p>Why this step may turn every exception into a refusal: its input is untrusted bytes held in
 * memory, and it only computes (it reads no file and writes none: the opener keeps the photo in
 * memory, since a photo is never longer than its envelope). An exception here can therefore only
 * come from parsing or decrypting those bytes: Bouncy Castle, for one, signals some malformed
 * encodings with unchecked exceptions ({@code ArithmeticException} from an out-of-range INTEGER,
 * issue 18). Such an envelope is bad, and saying so (422, terminal) is the truth; reporting it as
 * the registry's own failure (500, "retry later") would make a client retry for ever.
 *
 * <p>The one read it makes, a format 2 envelope's code key from the registry's code records, is
 * kept apart: a failure to read the records is thrown as the {@link IOException} it is (500, retried),
 * never taken for a bad envelope, and "no key" is a refusal ({@code CODE_PROOF_KEY_UNKNOWN}).
 */
final class EnvelopeJudge {
    private static final System.Logger LOG = System.getLogger(EnvelopeJudge.class.getName());

    /** What the judge decided. */
    sealed interface Verdict {
        /**
         * The envelope opened and its photo meets the specification; what remains is to check it
         * against the registry's records and archive it.
         *
         * @param binding         the verified binding
         * @param signerSerialHex the serial of the station certificate that signed it
         */
        record Admissible(Binding binding, String signerSerialHex) implements Verdict {}

        /** The envelope is refused for the reason {@code problem} gives (status 422). */
        record Refused(Problem problem) implements Verdict {}
    }

    private final TrustBundle bundle;
    private final List<KeyedCertificate> recipients;
    private final CodeProofKeys codeKeys;
    private final Clock clock;
    private final Path privateDirectory;
    private final PhotoInspector inspector;

    /**
     * @param recipients       the registry's encryption keys, one per suite it holds keys for
     * @param codeKeys         the code keys of the codes the registry issued (format 2 code proofs)
     * @param privateDirectory an owner-only directory, handed to the opener for form's sake: the
     *                         photo stays in memory (see the class comment)
     */
    EnvelopeJudge(TrustBundle bundle, List<KeyedCertificate> recipients, CodeProofKeys codeKeys, Clock clock,
            Path privateDirectory, PhotoInspector inspector) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.recipients = List.copyOf(recipients);
        this.codeKeys = Objects.requireNonNull(codeKeys, "codeKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.privateDirectory = Objects.requireNonNull(privateDirectory, "privateDirectory");
        this.inspector = Objects.requireNonNull(inspector, "inspector");
    }

    /**
     * Judges {@code envelope}, the complete bytes of {@code upload}.
     *
     * @throws IOException only if the registry's code records cannot be read; never for the envelope
     */
    Verdict judge(byte[] envelope, UploadInfo upload) throws IOException {
        String instance = EnvelopeAcceptance.instance(upload);
        try {
            return openAndCheck(envelope, upload, instance);
        } catch (CodeRecordsUnreadable e) {
            throw e.getCause();
        } catch (EnvelopeException e) {
            return refused(ProblemType.ofEnvelope(e), e.getMessage(), instance);
        } catch (IOException | RuntimeException e) {
            // Over bytes in memory, only a parser can fail (see the class comment): a bad envelope, and a
            // library fault worth a fuzz regression input. The exception carries no photo byte.
            LOG.log(System.Logger.Level.WARNING, "envelope of upload " + upload.id().value() + " refused as "
                    + "MALFORMED after an unexpected " + e.getClass().getName() + " while opening it", e);
            return refused(ProblemType.MALFORMED, "the envelope cannot be parsed (" + describe(e)
                    + "); it was not produced by a conforming station", instance);
        }
    }

    private Verdict openAndCheck(byte[] envelope, UploadInfo upload, String instance)
            throws IOException, EnvelopeException {
        EnvelopeOpener.Builder builder = EnvelopeOpener.builder(bundle);
        recipients.forEach(builder::recipient);
        EnvelopeOpener opener = builder
                .codeProofKeys(this::codeKey)
                .clock(clock)
                .temporaryDirectory(privateDirectory)
                // A photo is shorter than the envelope that carries it: it never leaves memory.
                .memoryThreshold(envelope.length)
                .build();
        try (OpenedEnvelope opened = opener.open(new ByteArrayInputStream(envelope))) {
            Binding binding = opened.binding();
            if (!bundle.acceptsSuite(binding.suiteId())) {
                return refused(ProblemType.SUITE_NOT_ACCEPTED, "the envelope is sealed with "
                        + "algorithm suite " + binding.suiteId() + ", which this registry does not accept (its trust "
                        + "bundle lists suites " + bundle.suites().keySet() + "); refresh the station's trust bundle, "
                        + "set envelope.suite to an accepted suite and capture the photo again", instance);
            }
            if (!binding.stationId().equals(upload.stationId())) {
                return refused(ProblemType.ENVELOPE_STATION_MISMATCH, "the envelope was sealed by "
                        + "station " + binding.stationId() + " but uploaded by station " + upload.stationId()
                        + "; each station uploads only what it sealed", instance);
            }
            Optional<String> codeId = upload.metadata().get(Tus.Metadata.CODE_ID);
            if (codeId.isPresent() && !codeId.get().equals(binding.codeId())) {
                return refused(ProblemType.METADATA_MISMATCH, "the code-id metadata "
                        + "says " + codeId.get() + " but the envelope is bound to code " + binding.codeId(), instance);
            }
            if (!CaptureMetadata.JPEG.equals(binding.mediaType())) {
                return refused(ProblemType.ENVELOPE_PHOTO_NOT_JPEG, "the envelope declares its photo as "
                        + binding.mediaType() + "; the registry accepts only " + CaptureMetadata.JPEG
                        + " photos that meet the photo specification", instance);
            }
            PhotoReport report = inspector.inspect(photoBytes(opened));
            if (report.hasErrors()) {
                return refused(ProblemType.PHOTO_OUT_OF_SPEC, "the photo fails "
                        + "the photo specification (" + report.errors().stream().map(Finding::toString)
                        .collect(Collectors.joining("; ")) + "); check the station's photo checks and take the "
                        + "photo again", instance);
            }
            return new Verdict.Admissible(binding, Certificates.serialHex(opened.signerCertificate()));
        }
    }

    /** A code key from the records, a failure to read them marked so that it is not taken for the envelope's. */
    private Optional<CodeProofKey> codeKey(String codeId, Suite suite) throws CodeRecordsUnreadable {
        try {
            return codeKeys.find(codeId, suite);
        } catch (IOException e) {
            throw new CodeRecordsUnreadable(e);
        }
    }

    /** The registry's code records could not be read while an envelope was being opened. */
    private static final class CodeRecordsUnreadable extends IOException {
        private static final long serialVersionUID = 1L;

        CodeRecordsUnreadable(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static byte[] photoBytes(OpenedEnvelope opened) throws IOException {
        try (InputStream photo = opened.openPhoto()) {
            return photo.readAllBytes();
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    private static Verdict refused(ProblemType type, String detail, String instance) {
        return new Verdict.Refused(type.problem(detail, instance));
    }
}
