package dev.codebound.protocol.pki;

import java.time.Duration;
import java.time.Instant;

/** Throwaway registries for tests: key generation is the slow part, so tests share one per class. */
public final class TestRegistries {
    /** A fixed instant tests reason about. */
    public static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");

    private TestRegistries() {}

    /** A registry whose certificates are valid from a year before {@link #NOW} to nine years after. */
    public static RegistryKeyring create(String name) {
        return RegistryKeyring.generate(name, NOW.minus(Duration.ofDays(365)), Duration.ofDays(3650));
    }
}
