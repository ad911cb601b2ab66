package dev.codebound.protocol.photo.check;

import java.util.ArrayList;
import java.util.List;

/** Collects findings during one inspection, applying the spec's severity (and dropping OFF checks). */
final class Findings {
    private final PhotoSpec spec;
    private final List<Finding> findings = new ArrayList<>();
    private PhotoMeasurements measurements;

    Findings(PhotoSpec spec) {
        this.spec = spec;
    }

    PhotoSpec spec() {
        return spec;
    }

    /** Records that {@code check} failed; returns whether it was reported (false if the check is OFF). */
    boolean fail(Check check, String message) {
        Severity severity = spec.severity(check);
        if (severity == Severity.OFF) {
            return false;
        }
        findings.add(new Finding(check, severity, message));
        return true;
    }

    /** Records what the pixel checks measured, for the report. */
    void measured(PhotoMeasurements measured) {
        this.measurements = measured;
    }

    PhotoReport report() {
        return new PhotoReport(findings, measurements);
    }
}
