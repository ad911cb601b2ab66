package dev.codebound.protocol.log;

/** A Merkle inclusion or consistency proof does not verify; the message says which check failed. */
public class ProofException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception whose message says what was wrong. */
    public ProofException(String message) {
        super(message);
    }
}
