package dev.codebound.protocol.code;

import java.time.Instant;

/**
 * A collection code whose signature, key, revocation status and validity have been checked by a
 * {@link CodeVerifier}. It exposes only what a station may see: never the sealed identity.
 */
public final class VerifiedCode {
    private final CollectionCode code;
    private final Instant verifiedAt;

    VerifiedCode(CollectionCode code, Instant verifiedAt) {
        this.code = code;
        this.verifiedAt = verifiedAt;
    }

    public String codeId() {
        return code.codeId();
    }

    /** The canonical code text, as bound into envelopes. */
    public String text() {
        return code.text();
    }

    public int schoolCode() {
        return code.schoolCode();
    }

    public int cohort() {
        return code.cohort();
    }

    public Instant notBefore() {
        return code.notBefore();
    }

    public Instant notAfter() {
        return code.notAfter();
    }

    /** The display name the registry chose to show, e.g. {@code 张*}. */
    public String maskedName() {
        return code.maskedName();
    }

    /** The instant the code was checked at. */
    public Instant verifiedAt() {
        return verifiedAt;
    }

    /** The decoded code, for the registry to open the sealed identity. */
    public CollectionCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "VerifiedCode[" + code.codeId() + ", school " + code.schoolCode() + ", cohort " + code.cohort() + "]";
    }
}
