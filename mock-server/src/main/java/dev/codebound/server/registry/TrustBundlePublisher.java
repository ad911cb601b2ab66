package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

/**
 * Publishes the registry's signed trust bundle. Whenever the set of revoked stations or codes, the
 * accepted envelope suites or the accepted envelope formats change, the next request gets a new
 * bundle with a higher sequence number; otherwise the same signed bytes are served, so stations can
 * compare bundles cheaply.
 *
 * <p>The registry accepts every envelope format it reads ({@link Binding#FORMAT_VERSIONS}) and says so
 * in {@code envelopeFormats}: that is how stations learn to seal format 2, in which no envelope carries
 * a code's text. A bundle published before format 2 existed is replaced, with the next sequence, at
 * the first request.
 */
public final class TrustBundlePublisher {
    private static final Set<Integer> ENVELOPE_FORMATS = Set.copyOf(Binding.FORMAT_VERSIONS);

    private final Path file;
    private final RegistryKeyring keyring;
    private final StationDirectory stations;
    private final CodeBook codes;
    private final Clock clock;
    private final Set<Integer> acceptedSuites;
    private byte[] published;
    private TrustBundle publishedBundle;

    public TrustBundlePublisher(Path file, RegistryKeyring keyring, StationDirectory stations, CodeBook codes,
            Clock clock, Set<Integer> acceptedSuites) throws IOException {
        this.file = file;
        this.keyring = keyring;
        this.stations = stations;
        this.codes = codes;
        this.clock = clock;
        this.acceptedSuites = Set.copyOf(acceptedSuites);
        if (Files.exists(file)) {
            published = Files.readAllBytes(file);
            publishedBundle = TrustBundleCodec.verify(published, keyring.authority().certificate(), file.toString());
        }
    }

    /** The signed bytes of the current bundle, publishing a new one first if revocations changed. */
    public synchronized byte[] current() throws IOException {
        Set<String> revokedStations = stations.revokedSerials();
        Set<String> revokedCodes = codes.revokedCodeIds();
        if (publishedBundle != null && publishedBundle.revokedStationSerials().equals(revokedStations)
                && publishedBundle.revokedCodeIds().equals(revokedCodes)
                && publishedBundle.suites().keySet().equals(acceptedSuites)
                && publishedBundle.envelopeFormats().equals(ENVELOPE_FORMATS)) {
            return published.clone();
        }
        long sequence = publishedBundle == null ? 1 : publishedBundle.sequence() + 1;
        TrustBundle bundle = keyring.trustBundle(sequence, clock.instant(), Set.of(), revokedCodes, revokedStations,
                acceptedSuites, ENVELOPE_FORMATS);
        byte[] signed = TrustBundleCodec.sign(bundle, keyring.authority().privateKey());
        DurableFiles.writePrivate(file, signed);
        published = signed;
        publishedBundle = bundle;
        return signed.clone();
    }

    /** The current bundle as an object (for the registry's own checks). */
    public synchronized TrustBundle currentBundle() throws IOException {
        current();
        return publishedBundle;
    }
}
