package dev.codebound.agent.station;

import java.nio.file.Path;

/**
 * Where a station keeps its state. Everything lives under one directory so that a station can be
 * backed up, moved, or audited as a unit:
 *
 * <pre>
 * config.properties     settings (see {@link StationConfig})
 * station.key.pem       the station's private key, PKCS#8, passphrase-encrypted, mode 0600
 * station.cert.pem      the certificate the registry issued at enrollment
 * registry-ca.pem       the registry CA, pinned at enrollment
 * trust-bundle.json     the latest verified trust bundle
 * spool/                sealed envelopes waiting for upload, and their state
 * receipts/             the registry's signed receipts
 * log/                  the hash-chained transfer log
 * </pre>
 */
public record StationHome(Path root) {
    /** The environment variable that overrides the default home. */
    public static final String ENVIRONMENT_VARIABLE = "CODEBOUND_HOME";
    /** The default home, relative to the working directory. */
    public static final String DEFAULT_DIRECTORY = "codebound-station";

    /** The home named by {@code explicit}, else {@value #ENVIRONMENT_VARIABLE}, else the default. */
    public static StationHome resolve(Path explicit) {
        if (explicit != null) {
            return new StationHome(explicit.toAbsolutePath());
        }
        String fromEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new StationHome(Path.of(fromEnvironment).toAbsolutePath());
        }
        return new StationHome(Path.of(DEFAULT_DIRECTORY).toAbsolutePath());
    }

    public Path config() {
        return root.resolve("config.properties");
    }

    public Path privateKey() {
        return root.resolve("station.key.pem");
    }

    public Path certificate() {
        return root.resolve("station.cert.pem");
    }

    public Path registryCa() {
        return root.resolve("registry-ca.pem");
    }

    public Path trustBundle() {
        return root.resolve("trust-bundle.json");
    }

    public Path spool() {
        return root.resolve("spool");
    }

    public Path receipts() {
        return root.resolve("receipts");
    }

    public Path log() {
        return root.resolve("log");
    }
}
