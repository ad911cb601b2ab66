package dev.codebound.agent.station;

/**
 * The registry has revoked this station's certificate: its decision, not the station's state, so
 * commands exit 7 (registry refused) rather than 3.
 */
public final class StationRevokedException extends StationException {
    private static final long serialVersionUID = 1L;

    public StationRevokedException(String message) {
        super(message);
    }
}
