package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TestRegistries;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.custom.gm.SM2P256V1Curve;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSL 3, an independent implementation, checks the suite 2 certificates enrollment issues and the
 * SM2 compact signatures of suite 2 receipts: {@code openssl verify} accepts an SM2 station
 * certificate issued from an SM2 certification request under the (P-256) registry CA, and
 * {@code openssl x509} reads its SM2 key and STATION profile; {@code openssl pkeyutl} with GM/T 0009's
 * signer ID verifies an SM2 {@code r || s} signature. Skipped without {@code openssl}.
 */
class Suite2CertificateOpenSslTest {
    private static final Instant NOW = Instant.now();
    private static RegistryKeyring registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(ExternalCommand.available(List.of("openssl", "version")), "openssl is not on PATH; install "
                + "OpenSSL 3 (Debian/Ubuntu: apt-get install openssl) to run the suite 2 certificate cross-checks");
        registry = RegistryKeyring.generate("OpenSSL SM2 Registry", NOW, Duration.ofDays(30));
    }

    @Test
    void openSslVerifiesAnSm2StationCertificateAndReadsItsProfile() throws Exception {
        KeyPair sm2 = KeyPairs.generateSm2();
        X509Certificate station = registry.authority().issueStation(CertificationRequests.create(sm2, "station"),
                CompactSignature.SM2_SM3,
                "ST-OPENSSL", NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofDays(1)));
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(registry.authority().certificate()), false);
        PemFiles.writeCertificates(dir.resolve("station.pem"), List.of(station), false);
        PemFiles.writeCertificates(dir.resolve("other-ca.pem"),
                List.of(TestRegistries.create("Another Registry").authority().certificate()), false);

        String verified = openSsl("verify", "-purpose", "smimesign", "-CAfile", "ca.pem", "station.pem").output();
        assertTrue(verified.contains("station.pem: OK"), verified);
        assertNotEquals(0, ExternalCommand.run(dir, 60, List.of("openssl", "verify", "-CAfile", "other-ca.pem",
                "station.pem")).exitCode());

        String text = openSsl("x509", "-in", "station.pem", "-noout", "-text").output();
        assertTrue(text.contains("ASN1 OID: SM2"), text);
        assertTrue(text.contains("CN = ST-OPENSSL"), text);
        assertTrue(text.contains("E-mail Protection") && text.contains("TLS Web Client Authentication"), text);
        assertTrue(text.contains("Digital Signature"), text);
    }

    @Test
    void openSslVerifiesAnSm2CompactSignatureWithTheDefaultSignerId() throws Exception {
        KeyPair sm2 = KeyPairs.generateSm2();
        byte[] message = "codebound-receipt/2 signed\n{}".getBytes(StandardCharsets.US_ASCII);
        byte[] compact = CompactSignature.SM2_SM3.sign(sm2.getPrivate(), message);
        Files.write(dir.resolve("message.bin"), message);
        Files.write(dir.resolve("signature.der"), der(compact));
        Files.writeString(dir.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(sm2.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        String verified = openSsl("pkeyutl", "-verify", "-pubin", "-inkey", "public.pem", "-rawin", "-digest", "sm3",
                "-pkeyopt", "distid:" + KeyPairs.SM2_SIGNER_ID, "-in", "message.bin", "-sigfile", "signature.der")
                .output();
        assertTrue(verified.contains("Signature Verified Successfully"), verified);
        assertNotEquals(0, ExternalCommand.run(dir, 60, List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                "public.pem", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:another-id", "-in", "message.bin",
                "-sigfile", "signature.der")).exitCode());
    }

    /** {@code r || s} as the DER SEQUENCE OpenSSL reads. */
    private static byte[] der(byte[] compact) throws Exception {
        BigInteger order = new SM2P256V1Curve().getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(compact, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(compact, 32, 64));
        return StandardDSAEncoding.INSTANCE.encode(order, r, s);
    }

    private ExternalCommand.Result openSsl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(dir, 60, command).requireSuccess(command);
    }
}
