package dev.codebound.protocol.photo.check;

/** How much a failed check matters; configured per {@link Check} in a {@link PhotoSpec}. */
public enum Severity {
    /** The photo must not be sealed or uploaded: the registry would reject it. */
    ERROR,
    /** The photo may be uploaded, but the photographer should look at it (and may retake it). */
    WARNING,
    /** The check is not reported at all. */
    OFF
}
