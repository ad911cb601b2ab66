package dev.codebound.protocol.envelope;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** A registry, an enrolled station and a valid code, generated once per test class (P-256 is fast). */
final class EnvelopeFixture {
    static final Instant NOW = Instant.parse("2026-06-15T09:30:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final StudentIdentity STUDENT = new StudentIdentity("S2027001", "张三", "11010519491231002X");

    final RegistryKeyring registry = RegistryKeyring.generate("test registry", NOW.minus(Duration.ofDays(30)),
            Duration.ofDays(3650));
    final StationCredentials station = registry.issueStation("station-0001", NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(365)));
    final TrustBundle bundle = registry.trustBundle(1, NOW.minus(Duration.ofDays(1)));
    final CodeIssuer issuer = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate());

    VerifiedCode code() throws Exception {
        String text = issuer.issue(STUDENT, 10337, 2027, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(30)))
                .text();
        return new CodeVerifier(bundle).verify(text, NOW);
    }

    EnvelopeSealer sealer() {
        return new EnvelopeSealer(station, registry.encryption().certificate());
    }

    EnvelopeOpener.Builder opener(Path temp) {
        return EnvelopeOpener.builder(bundle).recipient(registry.encryption()).clock(CLOCK).temporaryDirectory(temp);
    }

    byte[] seal(byte[] photo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sealer().seal(PhotoSource.of(photo), code(), CaptureMetadata.jpeg(NOW), out);
        return out.toByteArray();
    }

    /** The binding the sealer would write for {@code photo}, for tests that assemble envelopes by hand. */
    Binding binding(VerifiedCode code, byte[] photo) throws Exception {
        return new Binding(Binding.FORMAT_VERSION, Suite.P256_AES256GCM_SHA256.id(), code.codeId(), code.text(),
                java.security.MessageDigest.getInstance("SHA-256").digest(photo), photo.length, CaptureMetadata.JPEG,
                station.stationId(), NOW);
    }

    /** An envelope assembled from the sealer's parts, with a chosen binding in each layer. */
    byte[] assemble(StationCredentials signer, Binding signed, Binding encrypted, byte[] photo) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.io.OutputStream signedLayer = SignedLayer.open(out, Suite.P256_AES256GCM_SHA256, signer,
                        signed.toDer());
                java.io.OutputStream encryptedLayer = EncryptedLayer.open(signedLayer, Suite.P256_AES256GCM_SHA256,
                        registry.encryption().certificate())) {
            InnerContent.writeHeader(encryptedLayer, encrypted.toDer());
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
