package dev.codebound.protocol.pki;

/** A key, certificate or trust-bundle operation failed; the message says what and where. */
public class PkiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
