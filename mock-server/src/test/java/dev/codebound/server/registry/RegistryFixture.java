package dev.codebound.server.registry;

import dev.codebound.protocol.pki.RegistryKeyring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** A registry keyring and a settable clock shared by the registry service tests. */
final class RegistryFixture {
    static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");
    static final RegistryKeyring KEYRING = RegistryKeyring.generate("Fixture Registry", NOW.minus(Duration.ofDays(30)),
            Duration.ofDays(3650));

    private RegistryFixture() {}

    /** A clock that stands still at {@code instant}. */
    static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
