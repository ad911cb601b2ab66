package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Seals photos at a capture station: binds each photo to its verified collection code, encrypts it
 * so that only the registry can read it, and signs the result with the station's key.
 *
 * <p>The output is a CMS SignedData (station signer: ECDSA P-256 in suite 1, SM2 in suite 2)
 * encapsulating a CMS AuthEnvelopedData (AES-256-GCM with the content key agreed by ECDH in suite 1;
 * SM4-GCM with the content key SM2-encrypted in suite 2) to the registry's encryption certificate;
 * see {@code docs/protocol.md §4}. Memory use is bounded: the photo streams through
 * in {@value EnvelopeFormat#CHUNK}-byte chunks. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * EnvelopeSealer sealer = EnvelopeSealer.forBundle(station, bundle, capture.captureTime());
 * try (OutputStream out = Files.newOutputStream(spoolTemp)) {
 *     sealer.seal(PhotoSource.of(photoFile), code, capture, out);
 * }
 * }</pre>
 */
public final class EnvelopeSealer {
    private final StationCredentials station;
    private final X509Certificate registryEncryption;
    private final Suite suite;
    private final int formatVersion;

    /** A format 1 sealer with the default suite ({@link Suite#P256_AES256GCM_SHA256}). */
    public EnvelopeSealer(StationCredentials station, X509Certificate registryEncryption) {
        this(station, registryEncryption, Suite.P256_AES256GCM_SHA256);
    }

    /** A format 1 sealer for an explicit suite; see {@link #EnvelopeSealer(StationCredentials, X509Certificate, Suite, int)}. */
    public EnvelopeSealer(StationCredentials station, X509Certificate registryEncryption, Suite suite) {
        this(station, registryEncryption, suite, Binding.FORMAT_VERSION_CODE_TEXT);
    }

    /**
     * A sealer for an explicit suite and format version: 1 binds the code's text, 2 a code proof
     * ({@link CodeProof}). Seal format 2 only for a registry that announces it ({@link #forBundle}).
     *
     * @throws dev.codebound.protocol.pki.PkiException if the station's or the registry certificate's
     *         key does not fit the suite (P-256 keys for suite 1, SM2 keys for suite 2)
     * @throws IllegalArgumentException if the format version is not one of {@link Binding#FORMAT_VERSIONS}
     */
    public EnvelopeSealer(StationCredentials station, X509Certificate registryEncryption, Suite suite,
            int formatVersion) {
        this.station = Objects.requireNonNull(station, "station");
        this.registryEncryption = Objects.requireNonNull(registryEncryption, "registryEncryption");
        this.suite = Objects.requireNonNull(suite, "suite");
        if (!Binding.FORMAT_VERSIONS.contains(formatVersion)) {
            throw new IllegalArgumentException("envelope format version " + formatVersion + " is not one of "
                    + Binding.FORMAT_VERSIONS);
        }
        this.formatVersion = formatVersion;
        suite.requireStationKey(station.certificate().getPublicKey());
        suite.requireRecipientKey(registryEncryption.getPublicKey());
    }

    /** A suite 1 sealer for the registry encryption certificate the trust bundle designates at {@code at}. */
    public static EnvelopeSealer forBundle(StationCredentials station, TrustBundle bundle, Instant at) {
        return forBundle(station, bundle, at, Suite.P256_AES256GCM_SHA256);
    }

    /**
     * A sealer of {@code suite} for that suite's registry encryption certificate the trust bundle
     * designates at {@code at}, writing the newest envelope format the bundle announces and this
     * software writes ({@link TrustBundle#newestEnvelopeFormat}): format 2 once the registry accepts
     * it, format 1 before.
     *
     * @throws dev.codebound.protocol.pki.PkiException if the registry does not accept the suite (the
     *         bundle does not list it), has no valid certificate for it, accepts no format this software
     *         writes, or the station's key does not fit the suite
     */
    public static EnvelopeSealer forBundle(StationCredentials station, TrustBundle bundle, Instant at, Suite suite) {
        return new EnvelopeSealer(station, bundle.currentEncryptionCertificate(suite.id(), at), suite,
                bundle.newestEnvelopeFormat(Binding.FORMAT_VERSIONS));
    }

    /** The envelope format version this sealer writes. */
    public int formatVersion() {
        return formatVersion;
    }

    /**
     * Seals {@code photo} for {@code code} and writes the envelope to {@code out} (which is not
     * closed). On any exception the bytes written so far are not a valid envelope: discard them.
     *
     * @return the binding the envelope carries
     * @throws EnvelopeException {@link Reason#PHOTO_CHANGED} if the photo read differently the second time
     * @throws IOException if reading the photo or writing {@code out} fails
     */
    public Binding seal(PhotoSource photo, VerifiedCode code, CaptureMetadata capture, OutputStream out)
            throws IOException, EnvelopeException {
        Objects.requireNonNull(photo, "photo");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(out, "out");
        MessageDigest firstPass = suite.photoDigest();
        long length;
        try (InputStream in = photo.open()) {
            length = copy(in, firstPass, OutputStream.nullOutputStream());
        }
        Binding binding = binding(code, firstPass.digest(), length, capture);
        byte[] bindingDer = binding.toDer();

        OutputStream signed = SignedLayer.open(out, suite, station, bindingDer);
        OutputStream encrypted = EncryptedLayer.open(signed, suite, registryEncryption,
                InnerContent.length(bindingDer.length, length));
        InnerContent.writeHeader(encrypted, bindingDer);
        // A source that reads the same bytes every time needs no second digest; its length is still checked.
        MessageDigest secondPass = photo.readsIdenticallyEveryTime() ? null : suite.photoDigest();
        long secondLength;
        try (InputStream in = photo.open()) {
            secondLength = copy(in, secondPass, encrypted);
        }
        // Checked before closing: closing writes the GCM tag and the signature, which would make
        // an envelope whose binding misdescribes its photo look valid.
        if (secondLength != length
                || (secondPass != null && !Arrays.equals(secondPass.digest(), binding.photoDigest()))) {
            throw new EnvelopeException(Reason.PHOTO_CHANGED, "the photo changed while it was being sealed ("
                    + length + " bytes when hashed, " + secondLength + " when encrypted); make sure nothing "
                    + "writes the photo file during sealing and seal it again");
        }
        encrypted.close();
        signed.close();
        return binding;
    }

    /** The binding of this sealer's format: the code's canonical text (1), or the code proof (2). */
    private Binding binding(VerifiedCode code, byte[] photoDigest, long length, CaptureMetadata capture)
            throws EnvelopeException {
        if (formatVersion == Binding.FORMAT_VERSION_CODE_TEXT) {
            return Binding.withCodeText(suite.id(), code.codeId(), code.text(), photoDigest, length,
                    capture.mediaType(), station.stationId(), capture.captureTime());
        }
        Binding unproven = Binding.withCodeProof(suite.id(), code.codeId(), new byte[CodeProof.LENGTH], photoDigest,
                length, capture.mediaType(), station.stationId(), capture.captureTime());
        return unproven.withProof(CodeProof.compute(CodeProof.codeKey(suite, code.code()), unproven));
    }

    /** Copies {@code in} to {@code out}, feeding {@code digest} too unless it is null; returns the length. */
    private static long copy(InputStream in, MessageDigest digest, OutputStream out) throws IOException {
        byte[] chunk = new byte[EnvelopeFormat.CHUNK];
        long total = 0;
        for (int n = in.readNBytes(chunk, 0, chunk.length); n > 0; n = in.readNBytes(chunk, 0, chunk.length)) {
            if (digest != null) {
                digest.update(chunk, 0, n);
            }
            out.write(chunk, 0, n);
            total += n;
        }
        return total;
    }
}
