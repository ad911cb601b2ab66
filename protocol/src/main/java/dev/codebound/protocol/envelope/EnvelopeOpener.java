package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;

/**
 * Opens envelopes at the registry: verifies everything an envelope claims and only then releases the
 * photo. Checks run in a fixed order and the first failure is reported (the order is part of the
 * specification, {@code docs/protocol.md §4}, so that a given bad envelope always gets the same
 * {@link Reason}):
 *
 * <ol>
 *   <li>structure: CMS SignedData over id-data ({@link Reason#MALFORMED}, {@link Reason#TRUNCATED});</li>
 *   <li>the signed binding attribute: present once, DER ({@link Reason#MALFORMED}); its format version
 *       and suite are known and the signer used that suite's algorithms ({@link Reason#UNSUPPORTED_SUITE});</li>
 *   <li>the station's signature ({@link Reason#BAD_SIGNATURE});</li>
 *   <li>the signer: registry CA, STATION profile ({@link Reason#UNTRUSTED_SIGNER}), not revoked
 *       ({@link Reason#SIGNER_REVOKED}), valid at the capture time ({@link Reason#SIGNER_NOT_VALID_AT_CAPTURE});
 *       its CN is the binding's station id ({@link Reason#BINDING_MISMATCH});</li>
 *   <li>the capture time is at most {@link #MAX_CLOCK_SKEW} ahead of our clock ({@link Reason#CAPTURE_TIME_IN_FUTURE});</li>
 *   <li>the encrypted layer: addressed to one of our keys ({@link Reason#WRONG_RECIPIENT}), the suite's
 *       algorithms ({@link Reason#UNSUPPORTED_SUITE}), the content key unwraps and the GCM tag verifies
 *       ({@link Reason#DECRYPTION_FAILED}), the header is well formed ({@link Reason#MALFORMED});</li>
 *   <li>the encrypted binding equals the signed one byte for byte, and the photo's digest and length
 *       match it ({@link Reason#BINDING_MISMATCH});</li>
 *   <li>the collection code: in format 1, its text verifies at the capture time ({@link Reason#CODE_INVALID})
 *       and its id is the binding's code id ({@link Reason#BINDING_MISMATCH}); in format 2, the
 *       {@link CodeProofKeys} given to the builder hold the code's key ({@link Reason#CODE_PROOF_KEY_UNKNOWN}),
 *       the code proof is the one that key gives ({@link Reason#CODE_PROOF_INVALID}), and the code is not
 *       revoked and valid at the capture time by its record ({@link Reason#CODE_INVALID}).</li>
 * </ol>
 *
 * <p>Both format versions are read: format 1 envelopes archived before format 2 keep opening. An
 * opener built without code keys (a holder of only the trust bundle) refuses every format 2 envelope
 * with {@link Reason#CODE_PROOF_KEY_UNKNOWN}; it can still check their signatures with OpenSSL.
 *
 * <p>The envelope is read once, as a stream ({@link SignedLayerReader}): the encrypted layer is
 * decrypted while the signed content is hashed, into a private {@link PlaintextBuffer}, and failures
 * found there are held back until the signature has been judged. Instances are immutable and
 * thread-safe.
 */
public final class EnvelopeOpener {
    /** How far ahead of the verifier's clock a capture time may be (station clocks drift). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default size up to which a photo is kept in memory rather than a temporary file. */
    public static final int DEFAULT_MEMORY_THRESHOLD = 1 << 20;

    private final TrustBundle bundle;
    private final List<KeyedCertificate> recipients;
    private final CodeVerifier codeVerifier;
    private final CodeProofKeys codeProofKeys;
    private final Clock clock;
    private final Path temporaryDirectory;
    private final int memoryThreshold;

    private EnvelopeOpener(Builder builder) {
        this.bundle = builder.bundle;
        this.recipients = List.copyOf(builder.recipients);
        this.codeVerifier = builder.codeVerifier != null ? builder.codeVerifier : new CodeVerifier(bundle);
        this.codeProofKeys = builder.codeProofKeys;
        this.clock = builder.clock;
        this.temporaryDirectory = builder.temporaryDirectory;
        this.memoryThreshold = builder.memoryThreshold;
    }

    /** A builder for an opener that trusts {@code bundle}. */
    public static Builder builder(TrustBundle bundle) {
        return new Builder(bundle);
    }

    /**
     * Reads and verifies one envelope from {@code envelope} (read to its end, not closed).
     *
     * @throws EnvelopeException if any check fails; no photo byte has been released
     * @throws IOException if reading the input or the temporary storage fails
     */
    public OpenedEnvelope open(InputStream envelope) throws IOException, EnvelopeException {
        PlaintextBuffer photo = new PlaintextBuffer(temporaryDirectory, memoryThreshold);
        try {
            OpenedEnvelope opened = verify(envelope, photo);
            photo = null;
            return opened;
        } finally {
            if (photo != null) {
                photo.close();
            }
        }
    }

    private OpenedEnvelope verify(InputStream in, PlaintextBuffer photo) throws IOException,
            EnvelopeException {
        // 1. Structure, decrypting the encrypted layer into private storage on the way.
        SignedLayerReader.Result envelope = new SignedLayerReader(recipients).read(in, photo);
        SignerInformation signer = envelope.signer();
        X509Certificate signerCertificate = envelope.signerCertificate();
        byte[] bindingDer = envelope.bindingDer();

        // 2. The signed binding (its format version known) and its suite.
        Binding binding = Binding.fromDer(bindingDer);
        Suite suite = Suite.byId(binding.suiteId());
        suite.requireSignerAlgorithms(signer);

        // 3. The signature (covers the ciphertext, its tag and the signed binding).
        requireSignature(signer, signerCertificate, suite);

        // 4. The signer.
        SignerTrust.check(signerCertificate, bundle, binding.captureTime(), suite);
        String stationId = stationId(signerCertificate);
        if (!stationId.equals(binding.stationId())) {
            throw mismatch("the binding names station '" + binding.stationId() + "' but the envelope was signed "
                    + "by station '" + stationId + "'");
        }

        // 5. The capture time.
        Instant latest = clock.instant().plus(MAX_CLOCK_SKEW);
        if (binding.captureTime().isAfter(latest)) {
            throw new EnvelopeException(Reason.CAPTURE_TIME_IN_FUTURE, "the capture time " + binding.captureTime()
                    + " is more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes ahead of this verifier's clock ("
                    + clock.instant() + "); fix the station's clock and seal the photo again");
        }

        // 6. The encrypted layer.
        EncryptedLayerReader.Result inner = envelope.encryptedLayer();
        if (inner.suite().id() != suite.id()) {
            throw new EnvelopeException(Reason.UNSUPPORTED_SUITE, "the binding names suite " + suite
                    + " but the encrypted layer uses the algorithms of suite " + inner.suite());
        }

        // 7. Both bindings and the photo.
        if (!Arrays.equals(inner.bindingDer(), bindingDer)) {
            throw mismatch("the binding inside the encrypted layer differs from the signed binding");
        }
        if (inner.photoLength() != binding.photoLength()
                || !MessageDigest.isEqual(inner.photoDigest(), binding.photoDigest())) {
            throw mismatch("the decrypted photo (" + inner.photoLength() + " bytes) does not have the length and "
                    + "digest the binding states (" + binding.photoLength() + " bytes)");
        }

        // 8. The collection code.
        if (binding.formatVersion() == Binding.FORMAT_VERSION_CODE_TEXT) {
            requireCodeText(binding);
        } else {
            requireCodeProof(binding, suite);
        }
        return new OpenedEnvelope(binding, signerCertificate, photo);
    }

    /** Format 1: the code's text verifies at the capture time and is the code the binding names. */
    private void requireCodeText(Binding binding) throws EnvelopeException {
        VerifiedCode code;
        try {
            code = codeVerifier.verify(binding.codeText(), binding.captureTime());
        } catch (CodeException e) {
            throw new EnvelopeException(e);
        }
        if (!code.codeId().equals(binding.codeId())) {
            throw mismatch("the binding's code id '" + binding.codeId() + "' is not the id of its code text ('"
                    + code.codeId() + "')");
        }
    }

    /**
     * Format 2: the proof is the one the code's key gives for this binding, and the code, by its
     * record, is not revoked and valid at the capture time (in {@link CodeVerifier}'s order).
     */
    private void requireCodeProof(Binding binding, Suite suite) throws IOException, EnvelopeException {
        CodeProofKey key = codeProofKeys.find(binding.codeId(), suite).orElseThrow(() -> new EnvelopeException(
                Reason.CODE_PROOF_KEY_UNKNOWN, "no code key is known here for code " + binding.codeId() + " (suite "
                + suite + "), so the envelope's code proof cannot be checked: the code was not issued by this "
                + "registry, or this verifier holds only the trust bundle (only the registry checks the code of a "
                + "format 2 envelope)"));
        if (!CodeProof.matches(key.key(), binding)) {
            throw new EnvelopeException(Reason.CODE_PROOF_INVALID, "the code proof of the envelope is not the one "
                    + "code " + binding.codeId() + " gives for this photo, station and capture time: the station did "
                    + "not hold the code, or the proof was copied from another envelope; the envelope is refused");
        }
        Instant at = binding.captureTime();
        if (bundle.isCodeRevoked(binding.codeId())) {
            throw new EnvelopeException(new CodeException(CodeException.Reason.REVOKED, "code "
                    + binding.codeId() + " has been revoked by the registry"));
        }
        if (at.isBefore(key.notBefore())) {
            throw new EnvelopeException(new CodeException(CodeException.Reason.NOT_YET_VALID, "code "
                    + binding.codeId() + " is valid from " + key.notBefore() + ", after the capture time " + at));
        }
        if (at.isAfter(key.notAfter())) {
            throw new EnvelopeException(new CodeException(CodeException.Reason.EXPIRED, "code "
                    + binding.codeId() + " expired at " + key.notAfter() + ", before the capture time " + at));
        }
    }

    private static void requireSignature(SignerInformation signer, X509Certificate certificate, Suite suite)
            throws EnvelopeException {
        boolean valid;
        try {
            valid = signer.verify(suite.signatureVerifier(certificate));
        } catch (CMSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new EnvelopeException(Reason.BAD_SIGNATURE, "the station's signature does not verify: the "
                    + "envelope was altered after it was sealed; ask the station to send it again");
        }
    }

    private static String stationId(X509Certificate certificate) throws EnvelopeException {
        try {
            return Certificates.commonName(certificate);
        } catch (PkiException e) {
            throw new EnvelopeException(Reason.UNTRUSTED_SIGNER, "the signer certificate has no station id (CN)");
        }
    }

    private static EnvelopeException mismatch(String detail) {
        return new EnvelopeException(Reason.BINDING_MISMATCH, detail + "; the envelope is refused");
    }

    /** Configures an {@link EnvelopeOpener}. */
    public static final class Builder {
        private final TrustBundle bundle;
        private final List<KeyedCertificate> recipients = new ArrayList<>();
        private CodeVerifier codeVerifier;
        private CodeProofKeys codeProofKeys = CodeProofKeys.NONE;
        private Clock clock = Clock.systemUTC();
        private Path temporaryDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private int memoryThreshold = DEFAULT_MEMORY_THRESHOLD;

        private Builder(TrustBundle bundle) {
            this.bundle = Objects.requireNonNull(bundle, "bundle");
        }

        /** Adds a registry encryption key envelopes may be encrypted to (at least one is required). */
        public Builder recipient(KeyedCertificate registryEncryption) {
            recipients.add(Objects.requireNonNull(registryEncryption, "registryEncryption"));
            return this;
        }

        /** The collection code verifier; default: {@code new CodeVerifier(bundle)}. */
        public Builder codeVerifier(CodeVerifier verifier) {
            this.codeVerifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /**
         * Where format 2 code proofs find their code keys (the registry's code records); default:
         * {@link CodeProofKeys#NONE}, which refuses every format 2 envelope.
         */
        public Builder codeProofKeys(CodeProofKeys keys) {
            this.codeProofKeys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** The clock capture times are compared with; default: the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where photos larger than the memory threshold wait; default: {@code java.io.tmpdir}. */
        public Builder temporaryDirectory(Path directory) {
            this.temporaryDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The largest photo kept in memory; default 1 MiB ({@link #DEFAULT_MEMORY_THRESHOLD}). */
        public Builder memoryThreshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("memory threshold must not be negative");
            }
            this.memoryThreshold = bytes;
            return this;
        }

        public EnvelopeOpener build() {
            if (recipients.isEmpty()) {
                throw new IllegalStateException("an envelope opener needs at least one registry encryption key");
            }
            return new EnvelopeOpener(this);
        }
    }
}
