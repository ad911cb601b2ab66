package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.codebound.protocol.pki.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anyone can check an envelope with stock OpenSSL 3: {@code cms -verify} checks the station's
 * signature and chain and writes the encrypted layer; {@code cms -decrypt} with the registry key
 * yields the header (magic, length, binding) followed by the photo. Skipped without {@code openssl}.
 */
class EnvelopeOpenSslInteropTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(openSslAvailable(), "openssl is not on PATH");
    }

    @Test
    void openSslVerifiesAndDecryptsAnEnvelope() throws Exception {
        writeKeys();
        byte[] photo = EnvelopeFixture.photo(100_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = FIXTURE.sealer().seal(PhotoSource.of(photo), FIXTURE.code(),
                CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
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
