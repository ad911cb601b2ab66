package dev.codebound.agent.station;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a station keeps its state. Everything lives under one directory so that a station can be
 * backed up, moved, or audited as a unit:
 *
 * <pre>
 * config.properties     settings (see {@link StationConfig})
 * station.key.pem       the station's private key, PKCS#8, passphrase-encrypted, mode 0600
 * station.cert.pem      the certificate the registry issued at enrollment
 * station-sm2.key.pem   envelope suite 2 only: the SM2 key that signs envelopes, encrypted like station.key.pem
 * station-sm2.cert.pem  envelope suite 2 only: its certificate, issued at enrollment beside station.cert.pem
 * registry-ca.pem       the registry CA, pinned by {@code init} (compare its fingerprint out of band)
 * trust-bundle.json     the latest verified trust bundle
 * registry-clock.properties  how far this computer's clock was from the registry's, last measured
 * spool/                sealed envelopes waiting for upload, and their state
 * receipts/             the registry's signed receipts, verified, one per delivered envelope
 * scanned-codes.journal  codes scanned for the hot folder ({@code watch}), without photos
 * log/                  the hash-chained transfer log
 * desk-token            the desk page's access token while {@code serve} runs
 * retention/            the hot folders {@code watch} used and what the last retention sweep could not delete
 * </pre>
 */
public record StationHome(Path root) {
    /** The environment variable that overrides the default home. */
    public static final String ENVIRONMENT_VARIABLE = "CODEBOUND_HOME";
    /** The default home, relative to the working directory. */
    public static final String DEFAULT_DIRECTORY = "codebound-station";

    /** The home named by {@code explicit}, else {@value #ENVIRONMENT_VARIABLE}, else the default. */
    public static StationHome resolve(Path explicit) {
        return resolve(explicit, System.getenv());
    }

    /** As {@link #resolve(Path)}, reading {@value #ENVIRONMENT_VARIABLE} from {@code environment}. */
    public static StationHome resolve(Path explicit, Map<String, String> environment) {
        if (explicit != null) {
            return new StationHome(explicit.toAbsolutePath());
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new StationHome(Path.of(fromEnvironment).toAbsolutePath());
        }
        return new StationHome(Path.of(DEFAULT_DIRECTORY).toAbsolutePath());
    }

    /**
     * Fails unless this is a station home, i.e. {@code init} has written its {@code config.properties}
     * or pinned the registry CA here. Every command but {@code init} calls this first, so that a typo in
     * {@value #ENVIRONMENT_VARIABLE} or {@code --home} is named instead of showing an empty station.
     *
     * @throws StationException naming the directory and saying to run {@code init}
     */
    public void requireExists() throws StationException {
        if (Files.isRegularFile(config()) || Files.isRegularFile(registryCa())) {
            return;
        }
        String why = Files.isDirectory(root) ? " (the directory exists but holds neither config.properties nor "
                + "registry-ca.pem)" : "";
        throw new StationException("no station home at " + root + why + "; run 'codebound-agent init', or point --home "
                + "or " + ENVIRONMENT_VARIABLE + " at the station's directory");
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

    /** The SM2 envelope-signing key of a suite 2 station (its P-256 key stays its TLS identity). */
    public Path sm2PrivateKey() {
        return root.resolve("station-sm2.key.pem");
    }

    /** The certificate of {@link #sm2PrivateKey()}, issued at enrollment. */
    public Path sm2Certificate() {
        return root.resolve("station-sm2.cert.pem");
    }

    public Path registryCa() {
        return root.resolve("registry-ca.pem");
    }

    public Path trustBundle() {
        return root.resolve("trust-bundle.json");
    }

    /** The last measured clock skew against the registry (see {@link RegistryClock}). */
    public Path registryClock() {
        return root.resolve("registry-clock.properties");
    }

    public Path spool() {
        return root.resolve("spool");
    }

    public Path receipts() {
        return root.resolve("receipts");
    }

    /** The desk page's access token ({@code serve}), mode 0600, replaced at every start. */
    public Path deskToken() {
        return root.resolve("desk-token");
    }

    /** The receipt of the entry {@code entryId}, stored once it verified. */
    public Path receipt(String entryId) {
        return receipts().resolve(entryId + ".json");
    }

    /** The codes scanned for the hot folder: an append-only journal (an older agent's {@code scanned-codes.json} is carried into it). */
    public Path scannedCodes() {
        return root.resolve("scanned-codes.journal");
    }

    public Path log() {
        return root.resolve("log");
    }

    /** The retention sweep's files (see {@code dev.codebound.agent.retention}). */
    public Path retention() {
        return root.resolve("retention");
    }
}
