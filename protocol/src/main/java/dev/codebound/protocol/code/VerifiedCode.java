package dev.codebound.protocol.code;

import java.time.Instant;

/** TEMPORARY stand-in for the lead's class (same API); deleted when main's code package is merged. */
public final class VerifiedCode {
    private final String codeId;
    private final String text;
    private final int schoolCode;
    private final int cohort;
    private final Instant notBefore;
    private final Instant notAfter;
    private final String maskedName;

    VerifiedCode(String codeId, String text, int schoolCode, int cohort, Instant notBefore, Instant notAfter,
            String maskedName) {
        this.codeId = codeId;
        this.text = text;
        this.schoolCode = schoolCode;
        this.cohort = cohort;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.maskedName = maskedName;
    }

    public String codeId() { return codeId; }
    public String text() { return text; }
    public int schoolCode() { return schoolCode; }
    public int cohort() { return cohort; }
    public Instant notBefore() { return notBefore; }
    public Instant notAfter() { return notAfter; }
    public String maskedName() { return maskedName; }
}
