package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.Providers;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suite 2 checked by OpenSSL 3, an independent implementation: SM3 digests ({@code dgst -sm3}), the
 * SM4 block cipher and our SM4-GCM's CTR keystream ({@code enc -sm4-ecb/-sm4-ctr}: OpenSSL 3.0 has
 * no SM4-GCM), SM2 signatures in both directions ({@code pkeyutl} with the signer ID
 * {@code distid:1234567812345678}) and SM2 encryption of the content key in both directions. With
 * these, OpenSSL alone recovers the photo of a suite 2 envelope and checks its station's signature.
 * OpenSSL 3.0's {@code cms} cannot: it verifies SM2 signers without the signer ID and fails.
 * Skipped without {@code openssl}, like {@link EnvelopeOpenSslInteropTest}.
 */
class Suite2OpenSslInteropTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/envelope-suite2");
    private static final HexFormat HEX = HexFormat.of();
    private static final String DISTINGUISHING_ID = "distid:" + Sm2Sm4GcmSuite.SIGNER_ID;
    /** GB/T 32907-2016 appendix A.1: key and plaintext 0123456789abcdeffedcba9876543210. */
    private static final String SM4_EXAMPLE = "0123456789abcdeffedcba9876543210";
    private static final String SM4_EXAMPLE_CIPHERTEXT = "681edf34d206965e86b3e94f536e4246";

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(ExternalCommand.available(List.of("openssl", "version")), "openssl is not on PATH; install "
                + "OpenSSL 3 (Debian/Ubuntu: apt-get install openssl) to run the suite 2 cross-checks");
    }

    @Test
    void openSslSm3OfThePhotoIsTheBindingsDigest() throws Exception {
        byte[] photo = Files.readAllBytes(VECTORS.resolve("photo.jpg"));
        Files.write(dir.resolve("photo.jpg"), photo);
        byte[] openSsl = openSslOutput("dgst", "-sm3", "-binary", "-out", "out.bin", "photo.jpg");
        Binding binding = Binding.fromDer(Files.readAllBytes(VECTORS.resolve("good.binding.der")));
        assertArrayEquals(binding.photoDigest(), openSsl);
        assertArrayEquals(Suite.SM2_SM4GCM_SM3.photoDigest().digest(photo), openSsl);
    }

    @Test
    void openSslAndWeAgreeOnTheSm4BlockCipherKnownAnswer() throws Exception {
        Files.write(dir.resolve("block.bin"), HEX.parseHex(SM4_EXAMPLE));
        byte[] openSsl = openSslOutput("enc", "-sm4-ecb", "-nopad", "-K", SM4_EXAMPLE, "-in", "block.bin",
                "-out", "out.bin");
        assertEquals(SM4_EXAMPLE_CIPHERTEXT, HEX.formatHex(openSsl));
        SM4Engine ours = new SM4Engine();
        ours.init(true, new KeyParameter(HEX.parseHex(SM4_EXAMPLE)));
        byte[] block = new byte[16];
        ours.processBlock(HEX.parseHex(SM4_EXAMPLE), 0, block, 0);
        assertEquals(SM4_EXAMPLE_CIPHERTEXT, HEX.formatHex(block));
    }

    @Test
    void ourSm4GcmCiphertextIsOpenSslsSm4CtrFromCounterTwo() throws Exception {
        byte[] plaintext = new byte[100_003];
        new SplittableRandom(32907).nextBytes(plaintext);
        Sm4GcmEncryptor encryptor = new Sm4GcmEncryptor();
        ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.getOutputStream(ciphertext)) {
            out.write(plaintext);
        }
        byte[] nonce = GCMParameters.getInstance(encryptor.getAlgorithmIdentifier().getParameters()).getNonce();
        byte[] key = (byte[]) encryptor.getKey().getRepresentation();
        Files.write(dir.resolve("ciphertext.bin"), ciphertext.toByteArray());
        byte[] decrypted = openSslOutput("enc", "-d", "-sm4-ctr", "-K", HEX.formatHex(key), "-iv",
                HEX.formatHex(nonce) + "00000002", "-in", "ciphertext.bin", "-out", "out.bin");
        assertArrayEquals(plaintext, decrypted);
    }

    @Test
    void openSslVerifiesTheStationsSm2SignatureWithTheDefaultSignerId() throws Exception {
        openSsl("x509", "-in", VECTORS.resolve("station.cert.pem").toAbsolutePath().toString(), "-pubkey", "-noout",
                "-out", "station.pub.pem");
        EnvelopeParts good = EnvelopeParts.of(Files.readAllBytes(VECTORS.resolve("good.cms")));
        assertEquals(0, verifyWithOpenSsl(good.signedAttributes(), good.signature()));

        EnvelopeParts tampered = EnvelopeParts.of(Files.readAllBytes(VECTORS.resolve("tampered-signature.cms")));
        assertNotEquals(0, verifyWithOpenSsl(tampered.signedAttributes(), tampered.signature()));
        Files.write(dir.resolve("signed.der"), good.signedAttributes());
        assertNotEquals(0, ExternalCommand.run(dir, 60, List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                "station.pub.pem", "-rawin", "-digest", "sm3", "-in", "signed.der", "-sigfile", "signature.der",
                "-pkeyopt", "distid:another-signer-id")).exitCode(), "the signer ID is part of what is signed");
    }

    @Test
    void openSslVerifiesAFreshlySealedEnvelopesSignature() throws Exception {
        EnvelopeFixture fixture = new EnvelopeFixture(Suite.SM2_SM4GCM_SM3);
        PemFiles.writeCertificates(dir.resolve("station.pem"), List.of(fixture.station.certificate()));
        openSsl("x509", "-in", "station.pem", "-pubkey", "-noout", "-out", "station.pub.pem");
        EnvelopeParts parts = EnvelopeParts.of(fixture.seal(EnvelopeFixture.photo(5000)));
        assertEquals(0, verifyWithOpenSsl(parts.signedAttributes(), parts.signature()));
    }

    @Test
    void weVerifyOpenSslMadeSm2Signatures() throws Exception {
        openSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "key.pem");
        openSsl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        byte[] message = Files.readAllBytes(VECTORS.resolve("good.binding.der"));
        Files.write(dir.resolve("message.der"), message);
        openSsl("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-in", "message.der",
                "-out", "signature.der", "-pkeyopt", DISTINGUISHING_ID);
        PublicKey key = publicKey(Files.readString(dir.resolve("pub.pem")));
        byte[] signature = Files.readAllBytes(dir.resolve("signature.der"));
        assertTrue(sm2Verifies(key, message, signature));
        message[message.length - 1] ^= 1;
        assertFalse(sm2Verifies(key, message, signature));
    }

    @Test
    void openSslDecryptsTheContentKeyAndThePhotoOfTheGoodVector() throws Exception {
        EnvelopeParts parts = EnvelopeParts.of(Files.readAllBytes(VECTORS.resolve("good.cms")));
        Files.write(dir.resolve("encrypted-key.der"), parts.encryptedKey());
        byte[] contentKey = openSslOutput("pkeyutl", "-decrypt", "-inkey",
                VECTORS.resolve("encryption.key.pem").toAbsolutePath().toString(), "-in", "encrypted-key.der",
                "-out", "out.bin");
        assertEquals(16, contentKey.length);
        Files.write(dir.resolve("ciphertext.bin"), parts.ciphertext());
        byte[] plaintext = openSslOutput("enc", "-d", "-sm4-ctr", "-K", HEX.formatHex(contentKey), "-iv",
                HEX.formatHex(parts.firstContentCounterBlock()), "-in", "ciphertext.bin", "-out", "out.bin");
        assertArrayEquals(innerContent(Files.readAllBytes(VECTORS.resolve("good.binding.der")),
                Files.readAllBytes(VECTORS.resolve("photo.jpg"))), plaintext);
    }

    @Test
    void weDecryptContentKeysOpenSslEncryptedToTheRegistry() throws Exception {
        openSsl("x509", "-in", VECTORS.resolve("encryption.cert.pem").toAbsolutePath().toString(), "-pubkey",
                "-noout", "-out", "encryption.pub.pem");
        byte[] contentKey = HEX.parseHex("00112233445566778899aabbccddeeff");
        Files.write(dir.resolve("key.bin"), contentKey);
        byte[] sm2Cipher = openSslOutput("pkeyutl", "-encrypt", "-pubin", "-inkey", "encryption.pub.pem", "-in",
                "key.bin", "-out", "out.bin");
        PrivateKey registry = PemFiles.readPrivateKey(VECTORS.resolve("encryption.key.pem"), null);
        assertArrayEquals(contentKey, Sm2KeyTransport.decrypt(registry, sm2Cipher));
    }

    private int verifyWithOpenSsl(byte[] signedAttributes, byte[] signature) throws Exception {
        Files.write(dir.resolve("signed.der"), signedAttributes);
        Files.write(dir.resolve("signature.der"), signature);
        return ExternalCommand.run(dir, 60, List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                "station.pub.pem", "-rawin", "-digest", "sm3", "-in", "signed.der", "-sigfile", "signature.der",
                "-pkeyopt", DISTINGUISHING_ID)).exitCode();
    }

    static byte[] innerContent(byte[] bindingDer, byte[] photo) {
        return ByteBuffer.allocate(8 + 4 + bindingDer.length + photo.length)
                .put("CBENVL1\n".getBytes(StandardCharsets.US_ASCII)).putInt(bindingDer.length).put(bindingDer)
                .put(photo).array();
    }

    static boolean sm2Verifies(PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SM3withSM2", Providers.ellipticCurve());
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    static PublicKey publicKey(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaPEMKeyConverter().setProvider(Providers.ellipticCurve())
                    .getPublicKey((SubjectPublicKeyInfo) parser.readObject());
        }
    }

    private void openSsl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        ExternalCommand.run(dir, 60, command).requireSuccess(command);
    }

    /** Runs openssl with arguments that write {@code out.bin} and returns that file's bytes. */
    private byte[] openSslOutput(String... arguments) throws Exception {
        openSsl(arguments);
        byte[] output = Files.readAllBytes(dir.resolve("out.bin"));
        Files.delete(dir.resolve("out.bin"));
        return output;
    }
}
