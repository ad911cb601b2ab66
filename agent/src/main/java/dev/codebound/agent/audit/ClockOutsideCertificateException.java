package dev.codebound.agent.audit;

import java.io.IOException;

/**
 * The station's clock is outside its certificate's validity, so a checkpoint signed now could
 * never verify. Nothing was appended; the message says how to fix the clock.
 */
public final class ClockOutsideCertificateException extends IOException {
    private static final long serialVersionUID = 1L;

    ClockOutsideCertificateException(String message) {
        super(message);
    }
}
