package dev.codebound.agent.station;

/**
 * The station's own state or configuration is missing or wrong. The message says which file or
 * setting, and what command fixes it.
 */
public class StationException extends Exception {
    private static final long serialVersionUID = 1L;

    public StationException(String message) {
        super(message);
    }

    public StationException(String message, Throwable cause) {
        super(message, cause);
    }
}
