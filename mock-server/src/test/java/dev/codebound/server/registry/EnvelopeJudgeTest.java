package dev.codebound.server.registry;

import static dev.codebound.server.registry.RegistryFixture.KEYRING;
import static dev.codebound.server.registry.RegistryFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadState;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure step of acceptance answers every input with a verdict, never with an exception. */
class EnvelopeJudgeTest {
    /** Issue 18: a SignedData whose version INTEGER is beyond int range (193 bytes, found by fuzzing). */
    static final String VERSION_BEYOND_INT_RANGE = "308006092a864886f70d010702a08030800225afbf9cbb45e0a0038648016503"
            + "04021230308006092a864886f70d010702a0803080020101310d300b0609608648016503040209308006092a864886f70d01"
            + "0701a080248004820b2f3080060b2a864886f70d0109100117a080308002010031820101a181fe020103a05ba159301306"
            + "072a8648ce3d000106082a8648ce3d0301070342000491cdcd56068a4a56c57b4a04656d78cb7020bd1690778006092a"
            + "8648a9b086f70d0146deedb1bb19";

    @TempDir
    Path temp;

    @Test
    void theIssue18EnvelopeIsRefusedAsMalformed() throws Exception {
        byte[] envelope = HexFormat.of().parseHex(VERSION_BEYOND_INT_RANGE);
        EnvelopeJudge.Verdict.Refused refused = assertInstanceOf(EnvelopeJudge.Verdict.Refused.class,
                judge().judge(envelope, upload(envelope.length)));
        assertEquals(422, refused.problem().status());
        assertEquals("MALFORMED", refused.problem().reason());
        assertTrue(refused.problem().detail().contains("the SignedData version"), refused.problem().detail());
    }

    /**
     * Every prefix and every one-byte mutation of the issue 18 envelope, and random bytes: each gets a
     * 422 verdict. An exception would reach the transport as the registry's own failure.
     */
    @Test
    void malformedInputsOfEveryKindAreRefusalsNeverExceptions() throws Exception {
        byte[] envelope = HexFormat.of().parseHex(VERSION_BEYOND_INT_RANGE);
        List<byte[]> inputs = new ArrayList<>();
        for (int length = 0; length < envelope.length; length++) {
            inputs.add(Arrays.copyOf(envelope, length));
        }
        Random random = new Random(18);
        for (int i = 0; i < envelope.length; i++) {
            byte[] mutated = envelope.clone();
            mutated[i] = (byte) random.nextInt(256);
            inputs.add(mutated);
        }
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[random.nextInt(4096)];
            random.nextBytes(noise);
            inputs.add(noise);
        }
        EnvelopeJudge judge = judge();
        for (byte[] input : inputs) {
            EnvelopeJudge.Verdict verdict = judge.judge(input, upload(input.length));
            EnvelopeJudge.Verdict.Refused refused = assertInstanceOf(EnvelopeJudge.Verdict.Refused.class, verdict,
                    HexFormat.of().formatHex(input));
            assertEquals(422, refused.problem().status());
        }
    }

    /**
     * The one storage read of judging, a format 2 envelope's code key, fails as the registry's own
     * failure (500, retried), never as a refusal of the envelope; a code with no key is a refusal.
     */
    @Test
    void unreadableCodeRecordsAreTheRegistrysFailureAndAMissingKeyIsARefusal() throws Exception {
        StationCredentials station = KEYRING.issueStation("ST-1", NOW.minusSeconds(3600), NOW.plusSeconds(86_400));
        TrustBundle bundle = KEYRING.trustBundle(1, NOW);
        String text = new CodeIssuer(KEYRING.codeSigning(), KEYRING.encryption().certificate()).issue(
                new StudentIdentity("S2027001", "张三", "11010519491231002X"), 10337, 2027, NOW.minusSeconds(3600),
                NOW.plusSeconds(86_400)).text();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeSealer(station, KEYRING.encryption().certificate(), Suite.P256_AES256GCM_SHA256, 2).seal(
                PhotoSource.of(SamplePhotos.good(1)), new CodeVerifier(bundle).verify(text, NOW),
                CaptureMetadata.jpeg(NOW), out);
        byte[] envelope = out.toByteArray();

        IOException broken = new IOException("the code records cannot be read");
        EnvelopeJudge unreadable = new EnvelopeJudge(bundle, java.util.List.of(KEYRING.encryption()),
                (codeId, suite) -> {
                    throw broken;
                }, RegistryFixture.clockAt(NOW), temp, new PhotoInspector());
        assertSame(broken, assertThrows(IOException.class, () -> unreadable.judge(envelope, upload(envelope.length))));

        EnvelopeJudge.Verdict.Refused refused = assertInstanceOf(EnvelopeJudge.Verdict.Refused.class,
                judge().judge(envelope, upload(envelope.length)));
        assertEquals("CODE_PROOF_KEY_UNKNOWN", refused.problem().reason());
    }

    private EnvelopeJudge judge() {
        return new EnvelopeJudge(KEYRING.trustBundle(1, NOW), java.util.List.of(KEYRING.encryption()),
                dev.codebound.protocol.envelope.CodeProofKeys.NONE, RegistryFixture.clockAt(NOW), temp,
                new PhotoInspector());
    }

    private static UploadInfo upload(long length) {
        return new UploadInfo(UploadId.random(), length, UploadMetadata.empty(), "ST-1", NOW, NOW.plusSeconds(3600),
                length, UploadState.AWAITING_OUTCOME);
    }
}
