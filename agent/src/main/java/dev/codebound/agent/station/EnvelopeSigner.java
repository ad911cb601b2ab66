package dev.codebound.agent.station;

import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Who signs this station's envelopes, and with which suite ({@code envelope.suite}). A suite 1
 * station signs with its P-256 station key. A suite 2 station signs with its SM2 key and certificate
 * ({@code station-sm2.key.pem}, {@code station-sm2.cert.pem}); its P-256 key stays its identity for
 * mutual TLS and for its transfer log's checkpoints, since standard TLS 1.3 stacks cannot
 * authenticate a client with an SM2 key (docs/protocol.md, "TLS for suite 2 stations").
 *
 * @param credentials the key and certificate that sign envelopes
 * @param suite       the suite envelopes are sealed with
 */
public record EnvelopeSigner(StationCredentials credentials, Suite suite) {
    public EnvelopeSigner {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(suite, "suite");
    }

    /**
     * The envelope signer of the station whose P-256 credentials are {@code station}.
     *
     * @throws StationException when the station is set to suite 2 but its SM2 key or certificate is
     *     missing or unreadable, or the SM2 certificate is not the same station's; the message says what
     *     to run
     */
    public static EnvelopeSigner load(StationHome home, StationConfig config, char[] passphrase,
            StationCredentials station) throws StationException {
        Suite suite = config.suite();
        if (suite != Suite.SM2_SM4GCM_SM3) {
            return new EnvelopeSigner(station, suite);
        }
        StationCredentials sm2;
        try {
            PrivateKey key = PemFiles.readPrivateKey(home.sm2PrivateKey(), passphrase);
            X509Certificate certificate = PemFiles.readCertificates(home.sm2Certificate()).get(0);
            sm2 = new StationCredentials(key, certificate);
        } catch (NoSuchFileException e) {
            throw new StationException("envelope.suite = 2 (from " + config.source("envelope.suite") + ") but "
                    + e.getFile() + " is missing: run 'codebound-agent init --suite 2 --force' and enroll again, "
                    + "or set envelope.suite = 1");
        } catch (IOException | PkiException e) {
            throw new StationException("cannot load the station's SM2 signing key: " + e.getMessage(), e);
        }
        if (!sm2.stationId().equals(station.stationId())) {
            throw new StationException(home.sm2Certificate() + " is for station " + sm2.stationId() + ", not for "
                    + station.stationId() + " (" + Certificates.fingerprint(station.certificate()) + "); enroll "
                    + "again with 'codebound-agent enroll --force'");
        }
        return new EnvelopeSigner(sm2, suite);
    }
}
