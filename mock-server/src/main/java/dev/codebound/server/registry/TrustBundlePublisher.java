package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes the registry's signed trust bundle. Whenever a station or code is revoked that the
 * published bundle does not list, or the accepted envelope suites or formats change, the next request
 * gets a new bundle with a higher sequence number; otherwise the same signed bytes are served, so
 * stations can compare bundles cheaply.
 *
 * <p>The registry accepts every envelope format it reads ({@link Binding#FORMAT_VERSIONS}) and says so
 * in {@code envelopeFormats}: that is how stations learn to seal format 2, in which no envelope carries
 * a code's text. A bundle published before format 2 existed is replaced, with the next sequence, at
 * the first request.
 *
 * <p>Several nodes share one bundle through their {@link TrustBundleStore}: each request first
 * takes up a bundle another node published, a new bundle lists every revocation of the published
 * one as well as this node's (revocations are never undone, and a node whose view of another
 * node's revocation is not fresh yet must not publish a bundle without it), and a publication
 * another node beat is dropped for that node's bundle, which is then checked again.
 */
public final class TrustBundlePublisher {
    private static final Set<Integer> ENVELOPE_FORMATS = Set.copyOf(Binding.FORMAT_VERSIONS);

    private final TrustBundleStore store;
    private final RegistryKeyring keyring;
    private final StationDirectory stations;
    private final CodeBook codes;
    private final Clock clock;
    private final Set<Integer> acceptedSuites;
    private byte[] published;
    private TrustBundle publishedBundle;

    public TrustBundlePublisher(TrustBundleStore store, RegistryKeyring keyring, StationDirectory stations,
            CodeBook codes, Clock clock, Set<Integer> acceptedSuites) throws IOException {
        this.store = store;
        this.keyring = keyring;
        this.stations = stations;
        this.codes = codes;
        this.clock = clock;
        this.acceptedSuites = Set.copyOf(acceptedSuites);
        takeUpPublished();
    }

    /** The signed bytes of the current bundle, publishing a new one first if revocations changed. */
    public synchronized byte[] current() throws IOException {
        refresh();
        return published.clone();
    }

    /**
     * The current bundle as an object (for the registry's own checks), publishing a new one first if
     * revocations changed. Asked for every envelope accepted, so it copies nothing.
     */
    public synchronized TrustBundle currentBundle() throws IOException {
        refresh();
        return publishedBundle;
    }

    /** Makes the published bundle current: taken up from the store, or a new one published. */
    private void refresh() throws IOException {
        while (true) {
            takeUpPublished();
            Set<String> revokedStations = stations.revokedSerials();
            Set<String> revokedCodes = codes.revokedCodeIds();
            if (publishedBundle != null && publishedBundle.revokedStationSerials().containsAll(revokedStations)
                    && publishedBundle.revokedCodeIds().containsAll(revokedCodes)
                    && publishedBundle.suites().keySet().equals(acceptedSuites)
                    && publishedBundle.envelopeFormats().equals(ENVELOPE_FORMATS)) {
                return;
            }
            long previous = publishedBundle == null ? 0 : publishedBundle.sequence();
            TrustBundle bundle = keyring.trustBundle(previous + 1, clock.instant(), Set.of(),
                    union(revokedCodes, publishedBundle == null ? Set.of() : publishedBundle.revokedCodeIds()),
                    union(revokedStations,
                            publishedBundle == null ? Set.of() : publishedBundle.revokedStationSerials()),
                    acceptedSuites, ENVELOPE_FORMATS);
            byte[] signed = TrustBundleCodec.sign(bundle, keyring.authority().privateKey());
            if (store.publish(previous, bundle.sequence(), signed)) {
                published = signed;
                publishedBundle = bundle;
                return;
            }
            // Another node published first: take its bundle up and check it again.
        }
    }

    /** Takes up the store's bundle when it is newer than this node's (another node published it). */
    private void takeUpPublished() throws IOException {
        Optional<byte[]> stored = store.published();
        if (stored.isEmpty() || (published != null && Arrays.equals(stored.get(), published))) {
            return;
        }
        TrustBundle bundle = TrustBundleCodec.verify(stored.get(), keyring.authority().certificate(),
                store.toString());
        if (publishedBundle == null || bundle.sequence() > publishedBundle.sequence()) {
            published = stored.get();
            publishedBundle = bundle;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }
}
