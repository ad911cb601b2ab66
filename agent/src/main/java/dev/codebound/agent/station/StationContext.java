package dev.codebound.agent.station;

import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * One station as every command and the desk service see it: its home, its settings, its trust in
 * the registry, its credentials and the clock, loaded once. A short command builds one and uses it
 * for a single action; {@code serve} builds one at start and keeps it all day, so the key is
 * unlocked (a scrypt-hard passphrase derivation) once instead of once per photo.
 *
 * <p>The trust bundle is not cached here: {@link #bundle()} reads it each time (StationTrust keeps
 * the last verified one in memory), so a {@code trust refresh} during the day takes effect at the
 * next scan or photo without a restart.
 *
 * <p>Thread-safe.
 */
public final class StationContext {
    private final StationHome home;
    private final StationConfig config;
    private final Map<String, String> environment;
    private final Clock clock;
    private final StationTrust trust;
    private final RegistryClock registryClock;
    private StationCredentials credentials;
    private EnvelopeSigner envelopeSigner;

    private StationContext(StationHome home, StationConfig config, Map<String, String> environment, Clock clock) {
        this.home = home;
        this.config = config;
        this.environment = Map.copyOf(environment);
        this.clock = clock;
        this.trust = new StationTrust(home);
        this.registryClock = RegistryClock.of(home);
    }

    /**
     * Loads the settings of the station at {@code home}, with {@code environment} (variables that
     * override settings, and the sources of the key passphrase).
     *
     * @throws StationException when the settings cannot be read or are invalid
     */
    public static StationContext load(StationHome home, Map<String, String> environment, Clock clock)
            throws StationException {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        return new StationContext(home, StationConfig.load(home, environment), environment, clock);
    }

    /** Where the station keeps its state. */
    public StationHome home() {
        return home;
    }

    /** The station's settings. */
    public StationConfig config() {
        return config;
    }

    /** The environment the context was loaded with. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The clock every capture, upload and log record of this station uses. */
    public Clock clock() {
        return clock;
    }

    /** The pinned registry CA and the trust bundle. */
    public StationTrust trust() {
        return trust;
    }

    /** The latest verified trust bundle, read again when the file changed. */
    public TrustBundle bundle() throws StationException {
        return trust.bundle();
    }

    /** The last measurement of this computer's clock against the registry's. */
    public RegistryClock registryClock() {
        return registryClock;
    }

    /** The photo specification with the station's {@code capture.check.*} settings. */
    public PhotoSpec photoSpec() throws StationException {
        return CaptureSettings.photoSpec(config);
    }

    /**
     * The key passphrase from {@value StationKeys#PASSPHRASE_VARIABLE}, the systemd credential or the
     * configured file; {@code null} when none is configured.
     */
    public char[] passphrase() throws StationException {
        return StationKeys.passphrase(config, environment);
    }

    /** The station's key and certificate, unlocked on first use and kept for the context's life. */
    public synchronized StationCredentials credentials() throws StationException {
        if (credentials == null) {
            credentials = StationKeys.load(home, passphrase());
        }
        return credentials;
    }

    /**
     * Who signs this station's envelopes, with which suite ({@code envelope.suite}): the station key
     * for suite 1, the SM2 key for suite 2; unlocked on first use and kept for the context's life.
     */
    public synchronized EnvelopeSigner envelopeSigner() throws StationException {
        if (envelopeSigner == null) {
            envelopeSigner = EnvelopeSigner.load(home, config, passphrase(), credentials());
        }
        return envelopeSigner;
    }

    /**
     * Refuses to seal when the station is revoked, its envelope-signing certificate is not valid now, or the clock is
     * further from the registry's than {@code capture.max-clock-skew}; see
     * {@link StationStanding#requireFitToSeal(StationCredentials, TrustBundle, java.util.Optional,
     * java.time.Duration, java.time.Instant)}.
     */
    public void requireFitToSeal() throws StationException {
        StationStanding.requireFitToSeal(envelopeSigner().credentials(), bundle(), registryClock.last(),
                config.duration("capture.max-clock-skew"), clock.instant());
    }
}
