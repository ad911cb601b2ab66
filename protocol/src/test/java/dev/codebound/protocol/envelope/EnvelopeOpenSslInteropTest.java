package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anyone can check an envelope with stock OpenSSL 3: {@code cms -verify} checks the station's
 * signature and chain and writes the encrypted layer; {@code cms -decrypt} with the registry key
 * yields the header (magic, length, binding) followed by the photo. Format 2 envelopes too, and
 * their code proof is OpenSSL's HMAC (SHA-256 or SM3) with the code key over the binding with a zero
 * proof. Skipped without {@code openssl}.
 */
class EnvelopeOpenSslInteropTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();
    private static final EnvelopeFixture SM = new EnvelopeFixture(Suite.SM2_SM4GCM_SM3);

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(openSslAvailable(), "openssl is not on PATH");
    }

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {1, 2})
    void openSslVerifiesAndDecryptsAnEnvelope(int format) throws Exception {
        writeKeys();
        byte[] photo = EnvelopeFixture.photo(100_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = FIXTURE.sealer(format).seal(PhotoSource.of(photo), FIXTURE.code(),
                CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        assertEquals(format, binding.formatVersion());
        Files.write(dir.resolve("env.cms"), out.toByteArray());

        assertEquals(0, openssl("cms", "-verify", "-CAfile", "ca.pem", "-inform", "DER", "-in", "env.cms",
                "-out", "inner.der"));
        assertEquals(0, openssl("cms", "-decrypt", "-inform", "DER", "-in", "inner.der", "-inkey", "enc.key.pem",
                "-recip", "enc.pem", "-out", "plain.bin"));

        byte[] plain = Files.readAllBytes(dir.resolve("plain.bin"));
        byte[] bindingDer = binding.toDer();
        ByteBuffer expected = ByteBuffer.allocate(8 + 4 + bindingDer.length + photo.length);
        expected.put("CBENVL1\n".getBytes(StandardCharsets.US_ASCII)).putInt(bindingDer.length).put(bindingDer).put(photo);
        assertArrayEquals(expected.array(), plain);
    }

    /** The registry's check of a format 2 code proof, redone with OpenSSL's HMAC, for both suites. */
    @ParameterizedTest(name = "suite {0}")
    @ValueSource(ints = {1, 2})
    void openSslComputesTheSameCodeProof(int suite) throws Exception {
        EnvelopeFixture fixture = suite == 1 ? FIXTURE : SM;
        VerifiedCode code = fixture.code();
        Binding binding = fixture.sealer(Binding.FORMAT_VERSION_CODE_PROOF).seal(PhotoSource.of(
                EnvelopeFixture.photo(5000)), code, CaptureMetadata.jpeg(EnvelopeFixture.NOW),
                OutputStream.nullOutputStream());
        Files.write(dir.resolve("binding-zero-proof.der"), binding.withProof(new byte[CodeProof.LENGTH]).toDer());
        String key = HexFormat.of().formatHex(CodeProof.codeKey(fixture.suite, code.code()));
        assertEquals(0, openssl("dgst", suite == 1 ? "-sha256" : "-sm3", "-mac", "HMAC", "-macopt", "hexkey:" + key,
                "-out", "proof.txt", "binding-zero-proof.der"));
        String printed = Files.readString(dir.resolve("proof.txt")).strip();
        assertEquals(HexFormat.of().formatHex(binding.codeProof()), printed.substring(printed.lastIndexOf(' ') + 1));
    }

    @Test
    void openSslRejectsATamperedEnvelope() throws Exception {
        writeKeys();
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(5000));
        envelope[envelope.length / 2] ^= 1;
        Files.write(dir.resolve("env.cms"), envelope);
        assertNotEquals(0, openssl("cms", "-verify", "-CAfile", "ca.pem", "-inform", "DER", "-in", "env.cms",
                "-out", "inner.der"));
    }

    private void writeKeys() throws IOException {
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(FIXTURE.registry.authority().certificate()));
        PemFiles.writeCertificates(dir.resolve("enc.pem"), List.of(FIXTURE.registry.encryption().certificate()));
        PemFiles.writePrivateKey(dir.resolve("enc.key.pem"), FIXTURE.registry.encryption().privateKey(), null);
    }

    private int openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl did not finish");
        }
        return process.exitValue();
    }

    private static boolean openSslAvailable() {
        try {
            Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
