package dev.codebound.protocol.photo.check;

import java.util.Objects;

/**
 * One problem found in a photo.
 *
 * @param check    the check that failed
 * @param severity its severity under the spec in force (never {@link Severity#OFF})
 * @param message  what is wrong and what is expected, e.g. {@code photo is 600×800; must be 480×640}
 */
public record Finding(Check check, Severity severity, String message) {
    /** Validates the fields. */
    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (severity == Severity.OFF) {
            throw new IllegalArgumentException("a finding cannot have severity OFF");
        }
    }

    /** E.g. {@code ERROR dimensions: photo is 600×800; must be 480×640}. */
    @Override
    public String toString() {
        return severity + " " + check.id() + ": " + message;
    }
}
