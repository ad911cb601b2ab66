package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-06-01T22:00:00Z");

    @Test
    void delaySeconds() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse(" 0 ", NOW));
    }

    @Test
    void httpDateInTheFutureIsTheTimeUntilThen() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse("Mon, 01 Jun 2026 22:01:30 GMT", NOW));
    }

    @Test
    void httpDateInThePastMeansNoWait() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse("Mon, 01 Jun 2026 21:00:00 GMT", NOW));
    }

    @Test
    void absentOrMalformedMeansOrdinaryBackoff() {
        assertTrue(RetryAfter.parse(null, NOW).isEmpty());
        assertTrue(RetryAfter.parse("", NOW).isEmpty());
        assertTrue(RetryAfter.parse("soon", NOW).isEmpty());
        assertTrue(RetryAfter.parse("-5", NOW).isEmpty());
        assertTrue(RetryAfter.parse("99999999999999999999999", NOW).isEmpty());
        assertTrue(RetryAfter.parse("2026-06-01T22:01:30Z", NOW).isEmpty());
    }
}
