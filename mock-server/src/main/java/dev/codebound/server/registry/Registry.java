package dev.codebound.server.registry;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.pki.RegistryKeyring;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The registry's services over one data directory: enrolled stations, enrollment tokens, issued
 * codes and the published trust bundle.
 *
 * <pre>
 * registry/stations/      one JSON record per enrolled station
 * registry/tokens/        one JSON record per enrollment token (hash only)
 * registry/codes/         one JSON record per issued collection code
 * registry/trust-bundle.json  the latest signed trust bundle
 * registry/photos/        accepted envelopes and their records ({@link PhotoArchive})
 * </pre>
 */
public final class Registry {
    /** How long an enrolled station's certificate is valid. */
    public static final Duration STATION_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private final RegistryKeyring keyring;
    private final StationDirectory stations;
    private final EnrollmentService enrollment;
    private final CodeBook codes;
    private final TrustBundlePublisher trustBundles;
    private final PhotoArchive photos;
    private final Clock clock;

    private Registry(RegistryKeyring keyring, StationDirectory stations, EnrollmentService enrollment, CodeBook codes,
            TrustBundlePublisher trustBundles, PhotoArchive photos, Clock clock) {
        this.keyring = keyring;
        this.stations = stations;
        this.enrollment = enrollment;
        this.codes = codes;
        this.trustBundles = trustBundles;
        this.photos = photos;
        this.clock = clock;
    }

    /** Opens (creating where missing) the registry state under {@code dataDir/registry}. */
    public static Registry open(Path dataDir, RegistryKeyring keyring, Clock clock) throws IOException {
        Path root = dataDir.resolve("registry");
        StationDirectory stations = new StationDirectory(root.resolve("stations"));
        EnrollmentService enrollment = new EnrollmentService(root.resolve("tokens"), stations, keyring.authority(),
                clock, STATION_CERTIFICATE_VALIDITY);
        CodeBook codes = new CodeBook(root.resolve("codes"),
                new CodeIssuer(keyring.codeSigning(), keyring.encryption().certificate()), clock);
        TrustBundlePublisher trustBundles = new TrustBundlePublisher(root.resolve("trust-bundle.json"), keyring,
                stations, codes, clock);
        trustBundles.current();
        return new Registry(keyring, stations, enrollment, codes, trustBundles, new PhotoArchive(root.resolve("photos")),
                clock);
    }

    public RegistryKeyring keyring() {
        return keyring;
    }

    public StationDirectory stations() {
        return stations;
    }

    public EnrollmentService enrollment() {
        return enrollment;
    }

    public CodeBook codes() {
        return codes;
    }

    public TrustBundlePublisher trustBundles() {
        return trustBundles;
    }

    public PhotoArchive photos() {
        return photos;
    }

    public Clock clock() {
        return clock;
    }
}
