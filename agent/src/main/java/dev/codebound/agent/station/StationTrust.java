package dev.codebound.agent.station;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The station's trust in the registry: the CA certificate pinned at enrollment and the latest
 * trust bundle verified against it. A bundle is only ever replaced by a verified one with a higher
 * sequence number, so an attacker who replays an old bundle cannot un-revoke a key or code.
 */
public final class StationTrust {
    /**
     * The last bundle verified in this process and exactly what it was verified from. A watch reads
     * the bundle for every scanned code and every batch of photos; the same bytes against the same
     * pinned CA always verify to the same bundle (the check depends on nothing else, not even the
     * time), so only a changed file (a 'trust refresh', an edit, another station home) is parsed
     * and verified again.
     */
    private static final AtomicReference<VerifiedBundle> LAST_VERIFIED = new AtomicReference<>();

    private record VerifiedBundle(X509Certificate pinnedCa, byte[] signed, TrustBundle bundle) {
        boolean isFrom(X509Certificate ca, byte[] bytes) {
            return pinnedCa.equals(ca) && Arrays.equals(signed, bytes);
        }
    }

    private final StationHome home;

    public StationTrust(StationHome home) {
        this.home = home;
    }

    /** The pinned registry CA. */
    public X509Certificate registryCa() throws StationException {
        try {
            return PemFiles.readCertificates(home.registryCa()).get(0);
        } catch (NoSuchFileException e) {
            throw new StationException("no registry CA is pinned at " + home.registryCa()
                    + "; run 'codebound-agent init' and 'codebound-agent enroll' first");
        } catch (IOException | PkiException e) {
            throw new StationException("cannot read the pinned registry CA: " + e.getMessage(), e);
        }
    }

    /** Pins the registry CA ({@code init} only). */
    public void pin(X509Certificate registryCa) throws IOException {
        PemFiles.writeCertificates(home.registryCa(), List.of(registryCa));
    }

    /**
     * The stored bundle, verified against the pinned CA: read from the files on every call (they may
     * have been refreshed or edited), verified again whenever their bytes differ from the last ones
     * verified in this process.
     */
    public TrustBundle bundle() throws StationException {
        X509Certificate ca = registryCa();
        byte[] signed;
        try {
            signed = Files.readAllBytes(home.trustBundle());
        } catch (NoSuchFileException e) {
            throw new StationException("no trust bundle at " + home.trustBundle()
                    + "; run 'codebound-agent enroll' first (an enrolled station: 'codebound-agent trust refresh')");
        } catch (IOException e) {
            throw new StationException("cannot read " + home.trustBundle() + ": " + e.getMessage(), e);
        }
        VerifiedBundle last = LAST_VERIFIED.get();
        if (last != null && last.isFrom(ca, signed)) {
            return last.bundle();
        }
        TrustBundle bundle;
        try {
            bundle = TrustBundleCodec.verify(signed, ca, home.trustBundle().toString());
        } catch (PkiException e) {
            throw new StationException("the stored trust bundle does not verify (" + e.getMessage()
                    + "); run 'codebound-agent trust refresh'", e);
        }
        LAST_VERIFIED.set(new VerifiedBundle(ca, signed, bundle));
        return bundle;
    }

    /**
     * Verifies {@code signed} against the pinned CA and stores it if it is newer than the current
     * bundle; returns the bundle now in force.
     *
     * @throws StationException when the new bundle does not verify or is older than the stored one
     */
    public TrustBundle update(byte[] signed, String source) throws StationException, IOException {
        TrustBundle candidate;
        try {
            candidate = TrustBundleCodec.verify(signed, registryCa(), source);
        } catch (PkiException e) {
            throw new StationException("refusing trust bundle from " + source + ": " + e.getMessage(), e);
        }
        if (Files.exists(home.trustBundle())) {
            TrustBundle current = bundle();
            if (candidate.sequence() < current.sequence()) {
                throw new StationException("refusing trust bundle sequence " + candidate.sequence() + " from " + source
                        + ": the station already has sequence " + current.sequence() + " (a replayed old bundle?)");
            }
            if (candidate.sequence() == current.sequence()) {
                return current;
            }
        }
        DurableFiles.write(home.trustBundle(), signed);
        return candidate;
    }
}
