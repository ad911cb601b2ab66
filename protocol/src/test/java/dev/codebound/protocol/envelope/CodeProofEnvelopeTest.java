package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.testkit.ByteScan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Format 2 envelopes: the binding carries a code proof instead of the code's text, the opener checks
 * it with the code key its caller gives it, and a proof copied from one envelope is worth nothing on
 * another.
 */
class CodeProofEnvelopeTest {
    private static final EnvelopeFixture P256 = new EnvelopeFixture();
    private static final EnvelopeFixture SM = new EnvelopeFixture(Suite.SM2_SM4GCM_SM3);
    private static final byte[] PHOTO = EnvelopeFixture.photo(3000);
    private static final byte[] OTHER_PHOTO = EnvelopeFixture.photo(3001);

    @TempDir
    Path temp;

    private static EnvelopeFixture fixture(int suite) {
        return suite == 1 ? P256 : SM;
    }

    @ParameterizedTest(name = "suite {0}")
    @ValueSource(ints = {1, 2})
    void aFormat2EnvelopeOpensWithTheCodeKeyAndCarriesNoCodeText(int suite) throws Exception {
        EnvelopeFixture fixture = fixture(suite);
        VerifiedCode code = fixture.code();
        byte[] envelope = seal(fixture, code, PHOTO, EnvelopeFixture.NOW);

        try (OpenedEnvelope opened = fixture.opener(temp).build().open(EnvelopeFixture.in(envelope))) {
            Binding binding = opened.binding();
            assertEquals(Binding.FORMAT_VERSION_CODE_PROOF, binding.formatVersion());
            assertEquals(suite, binding.suiteId());
            assertEquals(code.codeId(), binding.codeId());
            assertNull(binding.codeText());
            assertArrayEquals(PHOTO, opened.openPhoto().readAllBytes());
        }
        assertFalse(ByteScan.contains(envelope, code.text().getBytes(StandardCharsets.US_ASCII)), "the code text");
        assertFalse(ByteScan.contains(envelope, code.maskedName().getBytes(StandardCharsets.UTF_8)), "the masked name");
    }

    @ParameterizedTest(name = "suite {0}")
    @ValueSource(ints = {1, 2})
    void aFormat1EnvelopeStillOpensWithTheSameOpener(int suite) throws Exception {
        EnvelopeFixture fixture = fixture(suite);
        try (OpenedEnvelope opened = fixture.opener(temp).build().open(EnvelopeFixture.in(fixture.seal(PHOTO)))) {
            assertEquals(Binding.FORMAT_VERSION_CODE_TEXT, opened.binding().formatVersion());
            assertNull(opened.binding().codeProof());
        }
    }

    /** The attack the proof exists for: whoever reads an envelope takes its proof to another photo. */
    @ParameterizedTest(name = "suite {0}")
    @ValueSource(ints = {1, 2})
    void aProofLiftedOntoAnotherPhotoIsRefused(int suite) throws Exception {
        EnvelopeFixture fixture = fixture(suite);
        VerifiedCode code = fixture.code();
        byte[] lifted = fixture.bindingWithProof(code, PHOTO).codeProof();
        Binding forged = fixture.bindingWithProof(code, OTHER_PHOTO).withProof(lifted);
        assertRefused(fixture, Reason.CODE_PROOF_INVALID,
                fixture.assemble(fixture.station, forged, forged, OTHER_PHOTO));
    }

    @Test
    void aProofForAnotherStationOrCaptureTimeIsRefused() throws Exception {
        VerifiedCode code = P256.code();
        Binding real = P256.bindingWithProof(code, PHOTO);
        Binding otherStation = Binding.withCodeProof(real.suiteId(), real.codeId(), new byte[CodeProof.LENGTH],
                real.photoDigest(), real.photoLength(), real.mediaType(), "station-0002", real.captureTime());
        otherStation = otherStation.withProof(CodeProof.compute(CodeProof.codeKey(P256.suite, code.code()),
                otherStation));
        // A proof made for station-0002, carried by station-0001's envelope (same photo and time).
        Binding carried = real.withProof(otherStation.codeProof());
        assertRefused(P256, Reason.CODE_PROOF_INVALID, P256.assemble(P256.station, carried, carried, PHOTO));

        Binding earlier = Binding.withCodeProof(real.suiteId(), real.codeId(), new byte[CodeProof.LENGTH],
                real.photoDigest(), real.photoLength(), real.mediaType(), real.stationId(),
                real.captureTime().minusSeconds(1));
        earlier = earlier.withProof(CodeProof.compute(CodeProof.codeKey(P256.suite, code.code()), earlier));
        Binding retimed = real.withProof(earlier.codeProof());
        assertRefused(P256, Reason.CODE_PROOF_INVALID, P256.assemble(P256.station, retimed, retimed, PHOTO));
    }

    @ParameterizedTest(name = "suite {0}")
    @ValueSource(ints = {1, 2})
    void aZeroProofIsRefused(int suite) throws Exception {
        EnvelopeFixture fixture = fixture(suite);
        Binding zero = fixture.bindingWithProof(fixture.code(), PHOTO).withProof(new byte[CodeProof.LENGTH]);
        assertRefused(fixture, Reason.CODE_PROOF_INVALID, fixture.assemble(fixture.station, zero, zero, PHOTO));
    }

    @Test
    void aProofMadeWithTheOtherSuitesKeyIsRefused() throws Exception {
        VerifiedCode code = P256.code();
        Binding binding = P256.bindingWithProof(code, PHOTO);
        Binding sm3Keyed = binding.withProof(CodeProof.compute(CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, code.code()),
                binding));
        assertRefused(P256, Reason.CODE_PROOF_INVALID, P256.assemble(P256.station, sm3Keyed, sm3Keyed, PHOTO));
    }

    @Test
    void anOpenerWithoutCodeKeysRefusesFormat2AndSaysWhy() throws Exception {
        byte[] envelope = seal(P256, P256.code(), PHOTO, EnvelopeFixture.NOW);
        EnvelopeOpener trustBundleOnly = EnvelopeOpener.builder(P256.bundle).recipient(P256.recipient)
                .clock(EnvelopeFixture.CLOCK).temporaryDirectory(temp).build();
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> trustBundleOnly.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.CODE_PROOF_KEY_UNKNOWN, e.reason());
        assertTrue(e.getMessage().contains("only the registry checks"), e.getMessage());
    }

    @Test
    void aCodeTheKeysDoNotKnowIsRefused() throws Exception {
        byte[] envelope = seal(P256, P256.code(), PHOTO, EnvelopeFixture.NOW);
        EnvelopeOpener opener = P256.opener(temp).codeProofKeys((codeId, suite) -> Optional.empty()).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.CODE_PROOF_KEY_UNKNOWN, e.reason());
    }

    @Test
    void aRevokedCodeIsInvalidWithTheCodesReason() throws Exception {
        VerifiedCode code = P256.code();
        byte[] envelope = seal(P256, code, PHOTO, EnvelopeFixture.NOW);
        TrustBundle revoking = P256.registry.trustBundle(2, EnvelopeFixture.NOW, Set.of(), Set.of(code.codeId()),
                Set.of());
        EnvelopeOpener opener = EnvelopeOpener.builder(revoking).recipient(P256.recipient).clock(EnvelopeFixture.CLOCK)
                .temporaryDirectory(temp).codeProofKeys(P256.codeKeys()).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.CODE_INVALID, e.reason());
        assertEquals(CodeException.Reason.REVOKED, e.codeReason().orElseThrow());
    }

    @Test
    void validityAtTheCaptureTimeIsJudgedFromTheKeysRecord() throws Exception {
        VerifiedCode code = P256.code();
        byte[] envelope = seal(P256, code, PHOTO, EnvelopeFixture.NOW);
        byte[] key = CodeProof.codeKey(P256.suite, code.code());
        Instant capture = EnvelopeFixture.NOW;
        CodeProofKeys expired = (codeId, suite) -> Optional.of(new CodeProofKey(key, capture.minusSeconds(60),
                capture.minusSeconds(1)));
        CodeProofKeys notYet = (codeId, suite) -> Optional.of(new CodeProofKey(key, capture.plusSeconds(1),
                capture.plus(Duration.ofDays(1))));
        assertEquals(CodeException.Reason.EXPIRED, codeReason(envelope, expired));
        assertEquals(CodeException.Reason.NOT_YET_VALID, codeReason(envelope, notYet));
    }

    @Test
    void theCodeKeyIsTheSuitesDigestOfTheCanonicalTextWhateverTheScansForm() throws Exception {
        VerifiedCode code = P256.code();
        String scanned = code.text().toLowerCase(Locale.ROOT).substring(0, 40) + "\n  "
                + code.text().toLowerCase(Locale.ROOT).substring(40);
        CollectionCode fromScan = CollectionCode.decode(scanned);
        assertArrayEquals(CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, code.code()),
                CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, fromScan));

        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update("codebound code proof v1".getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte) 0);
        sha256.update(code.text().getBytes(StandardCharsets.US_ASCII));
        byte[] expectedKey = sha256.digest();
        assertArrayEquals(expectedKey, CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, code.code()));
        assertFalse(MessageDigest.isEqual(expectedKey, CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, code.code())),
                "suite 2 keys are SM3 digests");

        Binding binding = P256.bindingWithProof(code, PHOTO);
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(expectedKey, "HmacSHA256"));
        byte[] expectedProof = hmac.doFinal(binding.withProof(new byte[CodeProof.LENGTH]).toDer());
        assertArrayEquals(expectedProof, binding.codeProof());
    }

    @Test
    void aStationSealsFormat2OnlyWhenItsBundleAnnouncesIt() throws Exception {
        TrustBundle format1 = P256.registry.trustBundle(1, EnvelopeFixture.NOW, Set.of(), Set.of(), Set.of(),
                Set.of(1));
        TrustBundle format2 = P256.registry.trustBundle(2, EnvelopeFixture.NOW, Set.of(), Set.of(), Set.of(),
                Set.of(1), Set.of(1, 2));
        assertEquals(1, EnvelopeSealer.forBundle(P256.station, format1, EnvelopeFixture.NOW).formatVersion());
        assertEquals(2, EnvelopeSealer.forBundle(P256.station, format2, EnvelopeFixture.NOW).formatVersion());

        byte[] signed = TrustBundleCodec.sign(format2, P256.registry.authority().privateKey());
        TrustBundle read = TrustBundleCodec.verify(signed, P256.registry.authority().certificate(), "test");
        assertEquals(List.of(1, 2), List.copyOf(read.envelopeFormats()));
    }

    @Test
    void aBundleAnnouncingOnlyUnknownFormatsIsRefusedWhenSealing() {
        TrustBundle future = P256.registry.trustBundle(3, EnvelopeFixture.NOW, Set.of(), Set.of(), Set.of(),
                Set.of(1), Set.of(7));
        var e = assertThrows(dev.codebound.protocol.pki.PkiException.class,
                () -> EnvelopeSealer.forBundle(P256.station, future, EnvelopeFixture.NOW));
        assertTrue(e.getMessage().contains("upgrade the station software"), e.getMessage());
    }

    private CodeException.Reason codeReason(byte[] envelope, CodeProofKeys keys) {
        EnvelopeOpener opener = P256.opener(temp).codeProofKeys(keys).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.CODE_INVALID, e.reason(), e.getMessage());
        return e.codeReason().orElseThrow();
    }

    private static byte[] seal(EnvelopeFixture fixture, VerifiedCode code, byte[] photo, Instant at) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fixture.sealer(Binding.FORMAT_VERSION_CODE_PROOF).seal(PhotoSource.of(photo), code, CaptureMetadata.jpeg(at),
                out);
        return out.toByteArray();
    }

    private void assertRefused(EnvelopeFixture fixture, Reason expected, byte[] envelope) {
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> fixture.opener(temp).build().open(EnvelopeFixture.in(envelope)));
        assertEquals(expected, e.reason(), e.getMessage());
    }
}
