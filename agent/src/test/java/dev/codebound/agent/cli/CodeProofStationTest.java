package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.CodeProof;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.OpenedEnvelope;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.ByteScan;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envelope format 2 end to end, against the real mock registry over mutual TLS on loopback: the
 * registry's trust bundle announces format 2, so the station seals a code proof instead of the code's
 * text; no envelope file, the station's or the registry's, holds the code's text, its masked name or
 * its key, and the registry accepts it. A station whose bundle does not announce format 2 seals format 1.
 */
class CodeProofStationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static CodeboundRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = CodeboundRegistry.builder().dataDir(temp.resolve("registry")).start();
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        registry.close();
    }

    @Test
    void theStationSealsAProofAndNoEnvelopeFileHoldsTheCode() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.in(temp.resolve("station")), registry);
        assertEquals(Set.of(1, 2), new StationTrust(station.station()).bundle().envelopeFormats());
        IssuedCode code = registry.issueCode();
        String entry = capture(station, code, "IMG_0001.jpg", 1);

        byte[] spooled = Files.readAllBytes(Spool.envelopeFile(station.station().spool(), entry));
        assertEquals(Binding.FORMAT_VERSION_CODE_PROOF, binding(spooled).formatVersion());
        assertHoldsNothingOf(code, spooled, "the station's spooled envelope");

        CliRun upload = station.run("upload", "--json");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertEquals(1, JSON.readTree(upload.out()).get("delivered").asInt(), upload::both);
        try (InputStream archived = registry.server().registry().photos().openEnvelope(entry)) {
            assertHoldsNothingOf(code, archived.readAllBytes(), "the registry's archived envelope");
        }
    }

    /** The rollout: a registry that has not announced format 2 gets format 1 envelopes, which it reads. */
    @Test
    void aStationWhoseBundleDoesNotAnnounceFormat2SealsFormat1() throws Exception {
        TestStation station = TestStation.enrolled(TestStation.in(temp.resolve("old-bundle-station")), registry);
        TrustBundle current = new StationTrust(station.station()).bundle();
        RegistryKeyring keyring = registry.server().keyring();
        TrustBundle format1Only = keyring.trustBundle(current.sequence() + 1, Instant.now(), Set.of(),
                current.revokedCodeIds(), current.revokedStationSerials(), current.suites().keySet(), Set.of(1));
        Files.write(station.station().trustBundle(), TrustBundleCodec.sign(format1Only,
                keyring.authority().privateKey()));

        IssuedCode code = registry.issueCode();
        String entry = capture(station, code, "IMG_0002.jpg", 2);
        Binding binding = binding(Files.readAllBytes(Spool.envelopeFile(station.station().spool(), entry)));
        assertEquals(Binding.FORMAT_VERSION_CODE_TEXT, binding.formatVersion());
        assertEquals(code.text(), binding.codeText());
        assertNull(binding.codeProof());
    }

    private static String capture(TestStation station, IssuedCode code, String name, int seed) throws Exception {
        Path photo = temp.resolve(name);
        Files.write(photo, SamplePhotos.good(seed));
        CliRun capture = station.run("capture", "--code", code.text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        return JSON.readTree(capture.out()).get("entry").asText();
    }

    /** The envelope's binding, opened as the registry opens it (with its code keys). */
    private static Binding binding(byte[] envelope) throws Exception {
        EnvelopeOpener opener = EnvelopeOpener.builder(registry.server().registry().trustBundles().currentBundle())
                .recipient(registry.server().keyring().encryption()).temporaryDirectory(temp)
                .codeProofKeys(registry.server().registry().codes().proofKeys()).build();
        try (OpenedEnvelope opened = opener.open(new ByteArrayInputStream(envelope))) {
            return opened.binding();
        }
    }

    private static void assertHoldsNothingOf(IssuedCode code, byte[] envelope, String what) throws Exception {
        CollectionCode decoded = CollectionCode.decode(code.text());
        byte[] key = CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, decoded);
        Map<String, byte[]> secrets = Map.of(
                "the code text", code.text().getBytes(StandardCharsets.US_ASCII),
                "the code text in lower case", code.text().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                "the code's binary form", codeBinary(code.text()),
                "the masked name", decoded.maskedName().getBytes(StandardCharsets.UTF_8),
                "the code key", key,
                "the code key in hex", HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII));
        secrets.forEach((name, bytes) -> assertFalse(ByteScan.contains(envelope, bytes), what + " holds " + name));
    }

    /** 40 bytes of the code's binary form (its fields from the school code on), as its base32 text decodes. */
    private static byte[] codeBinary(String text) {
        String body = text.substring(3);
        byte[] binary = Base32.decode(body + "=".repeat((8 - body.length() % 8) % 8));
        return Arrays.copyOfRange(binary, 20, 60);
    }
}
