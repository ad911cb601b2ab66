package dev.codebound.protocol.photo.check;

import java.util.List;
import java.util.Optional;

/** The result of inspecting one photo: the findings, in the order the checks ran. */
public final class PhotoReport {
    private final List<Finding> findings;
    private final PhotoMeasurements measurements;

    PhotoReport(List<Finding> findings) {
        this(findings, null);
    }

    PhotoReport(List<Finding> findings, PhotoMeasurements measurements) {
        this.findings = List.copyOf(findings);
        this.measurements = measurements;
    }

    /** What the pixel checks measured; empty when they did not run (the photo could not be decoded or sized). */
    public Optional<PhotoMeasurements> measurements() {
        return Optional.ofNullable(measurements);
    }

    /** All findings, errors and warnings, in the order the checks ran. */
    public List<Finding> findings() {
        return findings;
    }

    /** The findings of severity {@link Severity#ERROR}. */
    public List<Finding> errors() {
        return withSeverity(Severity.ERROR);
    }

    /** The findings of severity {@link Severity#WARNING}. */
    public List<Finding> warnings() {
        return withSeverity(Severity.WARNING);
    }

    /** Whether any finding is an {@link Severity#ERROR}. */
    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    /** Whether the photo may be sealed and uploaded: it has no errors (warnings are allowed). */
    public boolean isAcceptable() {
        return !hasErrors();
    }

    private List<Finding> withSeverity(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).toList();
    }

    /** One finding per line, or {@code photo meets the specification}. */
    @Override
    public String toString() {
        if (findings.isEmpty()) {
            return "photo meets the specification";
        }
        StringBuilder text = new StringBuilder();
        for (Finding finding : findings) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(finding);
        }
        return text.toString();
    }
}
