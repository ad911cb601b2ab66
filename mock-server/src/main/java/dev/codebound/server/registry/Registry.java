package dev.codebound.server.registry;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.server.transparency.TransparencyLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The registry's services over its {@link RegistryStores}: enrolled stations, enrollment tokens,
 * issued codes, accepted photos, the transparency log and the published trust bundle. The embedded
 * layout is one data directory:
 *
 * <pre>
 * registry/stations/ tokens/ codes/ photos/ log/   the embedded stores ({@link RegistryStores#embedded})
 * registry/trust-bundle.json                       the latest signed trust bundle
 * </pre>
 */
public final class Registry implements Closeable {
    /** How long an enrolled station's certificate is valid. */
    public static final Duration STATION_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private final RegistryKeyring keyring;
    private final StationDirectory stations;
    private final EnrollmentService enrollment;
    private final CodeBook codes;
    private final TrustBundlePublisher trustBundles;
    private final PhotoArchive photos;
    private final TransparencyLog log;
    private final Clock clock;
    private final Set<Integer> acceptedSuites;

    private Registry(RegistryKeyring keyring, StationDirectory stations, EnrollmentService enrollment, CodeBook codes,
            TrustBundlePublisher trustBundles, PhotoArchive photos, TransparencyLog log, Clock clock,
            Set<Integer> acceptedSuites) {
        this.keyring = keyring;
        this.stations = stations;
        this.enrollment = enrollment;
        this.codes = codes;
        this.trustBundles = trustBundles;
        this.photos = photos;
        this.log = log;
        this.clock = clock;
        this.acceptedSuites = Set.copyOf(acceptedSuites);
    }

    /**
     * Opens (creating where missing) the registry state in files under {@code dataDir/registry},
     * accepting envelope suites 1 and 2 and issuing suite 1 codes.
     */
    public static Registry open(Path dataDir, RegistryKeyring keyring, Clock clock) throws IOException {
        return open(dataDir, keyring, clock, Set.of(1, 2), 1);
    }

    /**
     * Opens (creating where missing) the registry state under {@code dataDir/registry}, accepting the
     * envelope suites {@code acceptedSuites} (listed in its trust bundle) and issuing collection codes
     * of suite {@code codeSuite}.
     */
    public static Registry open(Path dataDir, RegistryKeyring keyring, Clock clock, Set<Integer> acceptedSuites,
            int codeSuite) throws IOException {
        Path root = dataDir.resolve("registry");
        // A crash while trust-bundle.json was being replaced leaves its temporary file; the old bundle stands.
        DurableFiles.removeStaleTemporaries(root);
        return open(RegistryStores.embedded(root), keyring, clock, acceptedSuites, codeSuite);
    }

    /**
     * Opens the registry over {@code stores}, publishing its trust bundle to their trust-bundle store,
     * accepting the envelope suites {@code acceptedSuites} and issuing codes of suite {@code codeSuite};
     * closes the stores that hold resources (the photo archive, the log) if opening fails.
     */
    public static Registry open(RegistryStores stores, RegistryKeyring keyring, Clock clock,
            Set<Integer> acceptedSuites, int codeSuite) throws IOException {
        TransparencyLog log;
        try {
            log = TransparencyLog.open(stores.log(), keyring);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(e, stores.photos());
            throw e;
        }
        try {
            StationDirectory stations = new StationDirectory(stores.stations());
            EnrollmentService enrollment = new EnrollmentService(stores.tokens(), stations, keyring.authority(),
                    clock, STATION_CERTIFICATE_VALIDITY, acceptedSuites);
            CodeBook codes = new CodeBook(stores.codes(),
                    new CodeIssuer(keyring.codeSigning(codeSuite), keyring.encryption(codeSuite).certificate()), clock);
            TrustBundlePublisher trustBundles = new TrustBundlePublisher(stores.trustBundle(), keyring, stations,
                    codes, clock, acceptedSuites);
            trustBundles.current();
            return new Registry(keyring, stations, enrollment, codes, trustBundles, stores.photos(), log, clock,
                    acceptedSuites);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(e, stores.photos(), log);
            throw e;
        }
    }

    private static void closeAfterFailure(Exception failure, Closeable... opened) {
        for (Closeable closeable : opened) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
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

    public TransparencyLog log() {
        return log;
    }

    public Clock clock() {
        return clock;
    }

    /** The envelope suites this registry accepts (and lists in its trust bundle). */
    public Set<Integer> acceptedSuites() {
        return acceptedSuites;
    }

    /** Releases the transparency log's file (and its lock) and the archive's journal, once all it queued is durable. */
    @Override
    public void close() throws IOException {
        try (photos) {
            log.close();
        }
    }
}
