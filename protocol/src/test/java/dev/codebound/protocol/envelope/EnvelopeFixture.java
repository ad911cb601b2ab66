package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry, an enrolled station and a valid code, generated once per test class (P-256 and SM2 are
 * fast). For suite 2 the station key and the registry encryption key are SM2 keys, certified by the
 * same P-256 registry CA; collection codes are suite 1 codes either way.
 */
final class EnvelopeFixture {
    static final Instant NOW = Instant.parse("2026-06-15T09:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final StudentIdentity STUDENT = new StudentIdentity("S2027001", "张三", "11010519491231002X");

    final Suite suite;
    final RegistryKeyring registry = RegistryKeyring.generate("test registry", NOW.minus(Duration.ofDays(30)),
            Duration.ofDays(3650));
    /** The registry encryption key envelopes of {@link #suite} are encrypted to. */
    final RegistryKeyring.KeyedCertificate recipient;
    final StationCredentials station;
    final TrustBundle bundle = registry.trustBundle(1, NOW.minus(Duration.ofDays(1)));
    final CodeIssuer issuer = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate());
    private final Map<String, VerifiedCode> issued = new ConcurrentHashMap<>();

    /** A suite 1 fixture. */
    EnvelopeFixture() {
        this(Suite.P256_AES256GCM_SHA256);
    }

    EnvelopeFixture(Suite suite) {
        this.suite = suite;
        if (suite == Suite.SM2_SM4GCM_SM3) {
            recipient = sm2Key(registry, "test registry SM2 encryption", CertificateProfile.REGISTRY_KEY_TRANSPORT,
                    NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));
            station = sm2Station(registry, "station-0001", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));
        } else {
            recipient = registry.encryption();
            station = registry.issueStation("station-0001", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));
        }
    }

    /** An SM2 key certified by the registry CA with {@code profile}. */
    static RegistryKeyring.KeyedCertificate sm2Key(RegistryKeyring registry, String name, CertificateProfile profile,
            Instant notBefore, Instant notAfter) {
        KeyPair pair = KeyPairs.generateSm2();
        return new RegistryKeyring.KeyedCertificate(pair.getPrivate(),
                registry.authority().issue(pair.getPublic(), name, profile, notBefore, notAfter, List.of()));
    }

    /** A station enrolled with an SM2 key, for suite 2. */
    static StationCredentials sm2Station(RegistryKeyring registry, String stationId, Instant notBefore,
            Instant notAfter) {
        RegistryKeyring.KeyedCertificate keyed = sm2Key(registry, stationId, CertificateProfile.STATION, notBefore,
                notAfter);
        return new StationCredentials(keyed.privateKey(), keyed.certificate());
    }

    VerifiedCode code() throws Exception {
        String text = issuer.issue(STUDENT, 10337, 2027, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(30)))
                .text();
        VerifiedCode code = new CodeVerifier(bundle).verify(text, NOW);
        issued.put(code.codeId(), code);
        return code;
    }

    EnvelopeSealer sealer() {
        return new EnvelopeSealer(station, recipient.certificate(), suite);
    }

    /** A sealer of format version {@code formatVersion}. */
    EnvelopeSealer sealer(int formatVersion) {
        return new EnvelopeSealer(station, recipient.certificate(), suite, formatVersion);
    }

    /** An opener holding this fixture's registry key and the code keys of every code {@link #code()} issued. */
    EnvelopeOpener.Builder opener(Path temp) {
        return EnvelopeOpener.builder(bundle).recipient(recipient).clock(CLOCK).temporaryDirectory(temp)
                .codeProofKeys(codeKeys());
    }

    /** The code keys of the codes this fixture issued, as the registry's records would give them. */
    CodeProofKeys codeKeys() {
        return (codeId, keySuite) -> Optional.ofNullable(issued.get(codeId)).map(code -> new CodeProofKey(
                CodeProof.codeKey(keySuite, code.code()), code.notBefore(), code.notAfter()));
    }

    byte[] seal(byte[] photo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sealer().seal(PhotoSource.of(photo), code(), CaptureMetadata.jpeg(NOW), out);
        return out.toByteArray();
    }

    /** The format 1 binding the sealer would write for {@code photo}, for tests that assemble envelopes by hand. */
    Binding binding(VerifiedCode code, byte[] photo) throws Exception {
        return Binding.withCodeText(suite.id(), code.codeId(), code.text(), suite.photoDigest().digest(photo),
                photo.length, CaptureMetadata.JPEG, station.stationId(), NOW);
    }

    /** The format 2 binding, with its code proof, the sealer would write for {@code photo}. */
    Binding bindingWithProof(VerifiedCode code, byte[] photo) throws Exception {
        Binding unproven = Binding.withCodeProof(suite.id(), code.codeId(), new byte[CodeProof.LENGTH],
                suite.photoDigest().digest(photo), photo.length, CaptureMetadata.JPEG, station.stationId(), NOW);
        return unproven.withProof(CodeProof.compute(CodeProof.codeKey(suite, code.code()), unproven));
    }

    /** An envelope assembled from the sealer's parts, with a chosen binding in each layer. */
    byte[] assemble(StationCredentials signer, Binding signed, Binding encrypted, byte[] photo) throws Exception {
        return assemble(signer, signed.toDer(), encrypted.toDer(), photo);
    }

    /** An envelope assembled from the sealer's parts, with chosen binding bytes in each layer. */
    byte[] assemble(StationCredentials signer, byte[] signed, byte[] encrypted, byte[] photo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.io.OutputStream signedLayer = SignedLayer.open(out, suite, signer, signed);
                java.io.OutputStream encryptedLayer = EncryptedLayer.open(signedLayer, suite,
                        recipient.certificate())) {
            InnerContent.writeHeader(encryptedLayer, encrypted);
            encryptedLayer.write(photo);
        }
        return out.toByteArray();
    }

    static byte[] photo(int length) {
        byte[] photo = new byte[length];
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};
        System.arraycopy(jpeg, 0, photo, 0, Math.min(length, jpeg.length));
        for (int i = jpeg.length; i < length; i++) {
            photo[i] = (byte) (i * 31 + (i >>> 8));
        }
        return photo;
    }

    static ByteArrayInputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
