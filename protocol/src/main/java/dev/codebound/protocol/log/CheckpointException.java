package dev.codebound.protocol.log;

/** A signed note or checkpoint is malformed or not signed by the trusted key; the message says why. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception whose message says what was wrong. */
    public CheckpointException(String message) {
        super(message);
    }
}
