package dev.codebound.agent.station;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    private record VerifiedBundle(byte[] pinnedCaFile, byte[] signed, TrustBundle bundle) {
        boolean isFrom(byte[] caFile, byte[] bundleFile) {
            return Arrays.equals(pinnedCaFile, caFile) && Arrays.equals(signed, bundleFile);
        }
    }

    private final StationHome home;

    public StationTrust(StationHome home) {
        this.home = home;
    }

    /** The pinned registry CA. */
    public X509Certificate registryCa() throws StationException {
        return registryCa(readPinnedCa());
    }

    private byte[] readPinnedCa() throws StationException {
        return read(home.registryCa(), "no registry CA is pinned at " + home.registryCa()
                + "; run 'codebound-agent init' and 'codebound-agent enroll' first", "the pinned registry CA");
    }

    private X509Certificate registryCa(byte[] pinnedFile) throws StationException {
        try {
            String pem = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(pinnedFile)).toString();
            return PemFiles.certificatesFromPem(pem, home.registryCa().toString()).get(0);
        } catch (CharacterCodingException | PkiException e) {
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
        byte[] pinned = readPinnedCa();
        byte[] signed = read(home.trustBundle(), "no trust bundle at " + home.trustBundle()
                + "; run 'codebound-agent enroll' first (an enrolled station: 'codebound-agent trust refresh')",
                home.trustBundle().toString());
        VerifiedBundle last = LAST_VERIFIED.get();
        if (last != null && last.isFrom(pinned, signed)) {
            return last.bundle();
        }
        X509Certificate ca = registryCa(pinned);
        TrustBundle bundle;
        try {
            bundle = TrustBundleCodec.verify(signed, ca, home.trustBundle().toString());
        } catch (PkiException e) {
            throw new StationException("the stored trust bundle does not verify (" + e.getMessage()
                    + "); run 'codebound-agent trust refresh'", e);
        }
        LAST_VERIFIED.set(new VerifiedBundle(pinned, signed, bundle));
        return bundle;
    }

    private static byte[] read(Path file, String missing, String what) throws StationException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StationException(missing);
        } catch (IOException e) {
            throw new StationException("cannot read " + what + ": " + e.getMessage(), e);
        }
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
