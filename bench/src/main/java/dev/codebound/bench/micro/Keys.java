package dev.codebound.bench.micro;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A registry keyring, a station and a verified code, as the envelope tests make them, and for
 * envelope suite 2 an SM2 station and an SM2 registry encryption key certified by the same CA.
 */
final class Keys {
    static final Instant NOW = Instant.parse("2026-06-15T09:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final RegistryKeyring registry = RegistryKeyring.generate("bench registry", NOW.minus(Duration.ofDays(30)),
            Duration.ofDays(3650));
    final StationCredentials station = registry.issueStation("station-bench", NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(365)));
    final TrustBundle bundle = registry.trustBundle(1, NOW.minus(Duration.ofDays(1)));
    final StationCredentials sm2Station;
    final RegistryKeyring.KeyedCertificate sm2Encryption;
    final VerifiedCode code;

    Keys() {
        KeyPair stationKey = KeyPairs.generateSm2();
        sm2Station = new StationCredentials(stationKey.getPrivate(), registry.authority().issue(stationKey.getPublic(),
                "station-bench-sm2", CertificateProfile.STATION, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(365)), List.of()));
        KeyPair encryptionKey = KeyPairs.generateSm2();
        sm2Encryption = new RegistryKeyring.KeyedCertificate(encryptionKey.getPrivate(), registry.authority().issue(
                encryptionKey.getPublic(), "bench registry SM2 encryption", CertificateProfile.REGISTRY_KEY_TRANSPORT,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)), List.of()));
        try {
            String text = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate())
                    .issue(new StudentIdentity("S2027001", "Zhang San", "11010519491231002X"), 10337, 2027,
                            NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(30)))
                    .text();
            code = new CodeVerifier(bundle).verify(text, NOW);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
