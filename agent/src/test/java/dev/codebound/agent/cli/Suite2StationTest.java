package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.OpenedEnvelope;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite 2 (SM2, SM4-GCM, SM3) station end to end against the real mock registry over mutual TLS
 * on loopback: {@code init --suite 2}, enroll (an SM2 signing certificate beside the P-256 TLS one),
 * capture, upload, the SM2-signed receipt verified and stored, and {@code audit verify} against the
 * registry; a P-256 station uploads to the same registry in between. The registry issues suite 2
 * collection codes (SM2-signed), which both stations verify offline. And the refusal of a registry
 * that does not accept suite 2.
 */
class Suite2StationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    static CodeboundRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = CodeboundRegistry.builder().dataDir(temp.resolve("registry"))
                .configure(settings -> settings.acceptedSuites(Set.of(1, 2)).codeSuite(2)).start();
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        registry.close();
    }

    @Test
    void anSm2StationCapturesUploadsAndAuditsBesideAP256Station() throws Exception {
        TestStation sm2 = TestStation.enrolled(TestStation.in(temp.resolve("sm2-station")), registry, "--suite", "2");
        TestStation p256 = TestStation.enrolled(TestStation.in(temp.resolve("p256-station")), registry);
        assertTrue(Files.readString(sm2.station().config()).contains("envelope.suite=2"));
        assertTrue(Files.readString(sm2.station().sm2PrivateKey()).contains("ENCRYPTED PRIVATE KEY"));
        assertFalse(Files.exists(p256.station().sm2PrivateKey()), "a suite 1 station has no SM2 key");

        X509Certificate tls = PemFiles.readCertificates(sm2.station().certificate()).get(0);
        X509Certificate signing = PemFiles.readCertificates(sm2.station().sm2Certificate()).get(0);
        assertFalse(KeyPairs.isSm2(tls.getPublicKey()), "the TLS identity stays P-256");
        assertTrue(KeyPairs.isSm2(signing.getPublicKey()));
        assertEquals(Certificates.commonName(tls), Certificates.commonName(signing), "one station, two certificates");

        String sm2Entry = captureAndUpload(sm2, "IMG_SM2.jpg", 1);
        String p256Entry = captureAndUpload(p256, "IMG_P256.jpg", 2);

        TrustBundle bundle = new StationTrust(sm2.station()).bundle();
        assertEquals(Set.of(1, 2), bundle.suites().keySet());
        byte[] sm2Signed = Files.readAllBytes(sm2.station().receipt(sm2Entry));
        assertEquals(ReceiptCodec.FORMAT_2, SignedJson.parse(sm2Signed, ReceiptCodec.FORMAT_2, "receipt").format());
        Receipt sm2Receipt = ReceiptCodec.verify(sm2Signed, bundle, "suite 2 receipt");
        assertEquals(2, sm2Receipt.suite());
        assertEquals(Certificates.commonName(signing), sm2Receipt.stationId());
        Receipt p256Receipt = ReceiptCodec.verify(Files.readAllBytes(p256.station().receipt(p256Entry)),
                new StationTrust(p256.station()).bundle(), "suite 1 receipt");
        assertEquals(1, p256Receipt.suite());

        // The registry archived an envelope signed with SM2 and sealed with SM4-GCM to its SM2 key.
        try (InputStream archived = registry.server().registry().photos().openEnvelope(sm2Entry);
                OpenedEnvelope opened = EnvelopeOpener.builder(bundle)
                        .recipient(registry.server().keyring().sm2Encryption()).temporaryDirectory(temp)
                        .codeProofKeys(registry.server().registry().codes().proofKeys()).build()
                        .open(archived)) {
            assertEquals(2, opened.binding().suiteId());
            assertEquals(Binding.FORMAT_VERSION_CODE_PROOF, opened.binding().formatVersion(),
                    "an SM2 station seals format 2 too: an HMAC-SM3 code proof, no code text");
            assertEquals(signing, opened.signerCertificate());
        }

        CliRun audit = sm2.run("audit", "verify", "--registry", registry.baseUri().toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
        assertTrue(audit.out().startsWith("audit: OK"), audit::both);
    }

    @Test
    void aRegistryThatDoesNotAcceptSuiteTwoRefusesTheEnrollmentOfAnSm2Station() throws Exception {
        try (CodeboundRegistry suite1Only = CodeboundRegistry.builder().dataDir(temp.resolve("suite-1-registry"))
                .configure(settings -> settings.acceptedSuites(Set.of(1)).codeSuite(1)).start()) {
            TestStation station = TestStation.in(temp.resolve("refused-station"));
            CliRun init = station.run("init", "--registry-url=" + suite1Only.baseUri().toString(),
                    "--registry-ca=" + suite1Only.caCertificateFile(), "--suite", "2");
            assertEquals(ExitCodes.OK, init.exitCode(), init::both);
            CliRun enroll = station.run(Map.of(EnrollCommand.TOKEN_VARIABLE, suite1Only.enrollmentToken()), "",
                    "enroll");
            assertEquals(ExitCodes.REGISTRY_REFUSED, enroll.exitCode(), enroll::both);
            assertTrue(enroll.err().contains("SUITE_NOT_ACCEPTED"), enroll::both);
            assertFalse(Files.exists(station.station().certificate()), "nothing stored");
        }
    }

    @Test
    void anUnknownSuiteIsRefusedAtInitWithTheChoices() {
        TestStation station = TestStation.in(temp.resolve("typo-station"));
        CliRun init = station.run("init", "--registry-url=" + registry.baseUri(),
                "--registry-ca=" + registry.caCertificateFile(),
                "--suite", "3");
        assertEquals(ExitCodes.STATION, init.exitCode(), init::both);
        assertTrue(init.err().contains("--suite '3'") && init.err().contains("CB-SM2-SM4GCM-SM3"), init::both);
        assertFalse(Files.exists(station.station().config()), "nothing written for a station that is not set up");
    }

    /** Captures a fresh code's photo, uploads it and returns the entry id, checking both steps succeeded. */
    private static String captureAndUpload(TestStation station, String name, int photoSeed) throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(2, CollectionCode.decode(code.text()).suite(), "the registry issues suite 2 codes");
        Path photo = temp.resolve(name);
        Files.write(photo, SamplePhotos.good(photoSeed));
        CliRun capture = station.run("capture", "--code", code.text(), photo.toString(), "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String entry = JSON.readTree(capture.out()).get("entry").asText();
        CliRun upload = station.run("upload", "--json");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        JsonNode summary = JSON.readTree(upload.out());
        assertEquals(1, summary.get("delivered").asInt(), upload::both);
        return entry;
    }
}
