package dev.codebound.protocol.code;

/** TEMPORARY stand-in for the lead's class (same API); deleted when main's code package is merged. */
public final class IssuedCode {
    private final String text;

    IssuedCode(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
