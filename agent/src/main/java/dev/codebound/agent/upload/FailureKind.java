package dev.codebound.agent.upload;

/** How the uploader reacts to a failed request. */
public enum FailureKind {
    /** Try again after a backoff: I/O errors, 5xx, 408, 423 (locked), 429, 460 (checksum mismatch). */
    TRANSIENT,
    /** The server no longer has the upload (404, 410): start a new one. */
    GONE,
    /** Our offset is not the server's (409): adopt the server's offset. */
    OFFSET_MISMATCH,
    /** The registry refuses the station itself (401, 403): stop starting entries, keep them for later. */
    UNAUTHORIZED,
    /** The registry refuses this envelope (other 4xx): store the problem and mark the entry REJECTED. */
    REJECTED;

    /** The reaction to an HTTP status that is not the expected success. */
    public static FailureKind ofStatus(int status) {
        return switch (status) {
            case 408, 423, 429, 460 -> TRANSIENT;
            case 404, 410 -> GONE;
            case 409 -> OFFSET_MISMATCH;
            case 401, 403 -> UNAUTHORIZED;
            default -> status >= 400 && status < 500 ? REJECTED : TRANSIENT;
        };
    }
}
