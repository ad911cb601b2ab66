package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.CodeException;
import java.util.Objects;
import java.util.Optional;

/**
 * An envelope could not be sealed or was refused when opened. The {@link Reason} is stable and
 * machine-readable (the registry maps each one to an RFC 9457 problem type); the message says what
 * was wrong and what to do, and never contains key material or photo bytes.
 */
public class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an envelope was refused. Names are part of the protocol: never rename one. */
    public enum Reason {
        /** Not a CMS envelope of the expected structure (or not DER where DER is required). */
        MALFORMED,
        /** The envelope ends before its structure is complete: an incomplete upload or copy. */
        TRUNCATED,
        /** An unknown suite id, or algorithms other than the ones the suite fixes. */
        UNSUPPORTED_SUITE,
        /** The station's CMS signature does not verify: the envelope was altered after signing. */
        BAD_SIGNATURE,
        /** The signer certificate does not chain to the registry CA or lacks the station profile. */
        UNTRUSTED_SIGNER,
        /** The signer certificate has been revoked by the registry. */
        SIGNER_REVOKED,
        /** The signer certificate was not valid at the capture time the envelope claims. */
        SIGNER_NOT_VALID_AT_CAPTURE,
        /** The content key is not encrypted to any registry key this opener holds. */
        WRONG_RECIPIENT,
        /** The content key could not be unwrapped or the AES-GCM tag does not verify. */
        DECRYPTION_FAILED,
        /** The bindings disagree with each other, the signer, the code, or the photo. */
        BINDING_MISMATCH,
        /** The collection code in the binding does not verify; see {@link #codeReason()}. */
        CODE_INVALID,
        /**
         * Format 2: the verifier holds no code key for the binding's code id (a code its registry did
         * not issue, or a verifier that holds only the trust bundle), so the code proof cannot be checked.
         */
        CODE_PROOF_KEY_UNKNOWN,
        /**
         * Format 2: the code proof is not the one the code's key gives for this binding: the station did
         * not hold the code's text, or the proof was taken from another envelope (another photo,
         * station or capture time).
         */
        CODE_PROOF_INVALID,
        /** The capture time is more than the allowed skew ahead of the verifier's clock. */
        CAPTURE_TIME_IN_FUTURE,
        /** Sealing only: the photo read differently on the second pass (it changed while sealing). */
        PHOTO_CHANGED
    }

    private final Reason reason;
    private final CodeException.Reason codeReason;

    public EnvelopeException(Reason reason, String message) {
        this(reason, message, null);
    }

    public EnvelopeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.codeReason = null;
    }

    /** A {@link Reason#CODE_INVALID} failure wrapping the collection code's own refusal. */
    public EnvelopeException(CodeException cause) {
        super("the collection code of the envelope is not valid at the capture time ("
                + cause.reason() + "): " + cause.getMessage(), cause);
        this.reason = Reason.CODE_INVALID;
        this.codeReason = cause.reason();
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#CODE_INVALID}: why the code was refused; empty for every other reason. */
    public Optional<CodeException.Reason> codeReason() {
        return Optional.ofNullable(codeReason);
    }
}
