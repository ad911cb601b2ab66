package dev.codebound.protocol.wire;

/** A header or body from the other side is malformed; the message names the field and the problem. */
public class WireFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
