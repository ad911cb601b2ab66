package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refusals not covered by the vector files, each built from the sealer's own parts. */
class EnvelopeRefusalTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();
    private static final byte[] PHOTO = EnvelopeFixture.photo(1000);

    @TempDir
    Path temp;

    @Test
    void stationCertificateNotYetValidAtCaptureTime() throws Exception {
        StationCredentials early = FIXTURE.registry.issueStation("station-0002",
                EnvelopeFixture.NOW.plus(Duration.ofDays(1)), EnvelopeFixture.NOW.plus(Duration.ofDays(30)));
        assertRefused(Reason.SIGNER_NOT_VALID_AT_CAPTURE, seal(early));
    }

    @Test
    void registryCertificateOfAnotherProfileIsNotAStation() throws Exception {
        StationCredentials codeSigner = new StationCredentials(FIXTURE.registry.codeSigning().privateKey(),
                FIXTURE.registry.codeSigning().certificate());
        assertRefused(Reason.UNTRUSTED_SIGNER, seal(codeSigner));
    }

    @Test
    void bindingNamingAnotherStation() throws Exception {
        Binding real = FIXTURE.binding(FIXTURE.code(), PHOTO);
        Binding other = with(real, real.codeId(), real.mediaType(), "station-9999", real.formatVersion());
        assertRefused(Reason.BINDING_MISMATCH, FIXTURE.assemble(FIXTURE.station, other, other, PHOTO));
    }

    @Test
    void layersDifferingInOneField() throws Exception {
        Binding real = FIXTURE.binding(FIXTURE.code(), PHOTO);
        Binding png = with(real, real.codeId(), "image/png", real.stationId(), real.formatVersion());
        assertRefused(Reason.BINDING_MISMATCH, FIXTURE.assemble(FIXTURE.station, real, png, PHOTO));
    }

    @Test
    void codeIdThatIsNotTheCodesId() throws Exception {
        Binding real = FIXTURE.binding(FIXTURE.code(), PHOTO);
        Binding wrongId = with(real, "AAAAAAAAAAAAAAAA", real.mediaType(), real.stationId(), real.formatVersion());
        assertRefused(Reason.BINDING_MISMATCH, FIXTURE.assemble(FIXTURE.station, wrongId, wrongId, PHOTO));
    }

    @Test
    void unknownFormatVersion() throws Exception {
        byte[] v3 = FIXTURE.binding(FIXTURE.code(), PHOTO).toDer();
        // SEQUENCE header (30 82 LL LL), then formatVersion INTEGER 02 01 01: make it 3.
        assertEquals(0x01, v3[6]);
        v3[6] = 0x03;
        assertRefused(Reason.UNSUPPORTED_SUITE, FIXTURE.assemble(FIXTURE.station, v3, v3, PHOTO));
    }

    @Test
    void revokedCodeIsInvalidWithTheCodesReason() throws Exception {
        VerifiedCode code = FIXTURE.code();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FIXTURE.sealer().seal(PhotoSource.of(PHOTO), code, CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        var bundle = FIXTURE.registry.trustBundle(2, EnvelopeFixture.NOW, Set.of(), Set.of(code.codeId()), Set.of());
        EnvelopeOpener opener = EnvelopeOpener.builder(bundle).recipient(FIXTURE.registry.encryption())
                .clock(EnvelopeFixture.CLOCK).temporaryDirectory(temp).build();
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> opener.open(EnvelopeFixture.in(out.toByteArray())));
        assertEquals(Reason.CODE_INVALID, e.reason());
        assertEquals(CodeException.Reason.REVOKED, e.codeReason().orElseThrow());
    }

    @Test
    void hugeDeclaredLengthIsRefusedBeforeAnyAllocation() {
        byte[] hostile = HexFormat.of().parseHex("30847fffffff3082");
        assertRefused(Reason.MALFORMED, hostile);
    }

    private static Binding with(Binding b, String codeId, String mediaType, String stationId, int version) {
        return new Binding(version, b.suiteId(), codeId, b.codeText(), b.codeProof(), b.photoDigest(), b.photoLength(),
                mediaType, stationId, b.captureTime());
    }

    private static byte[] seal(StationCredentials station) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeSealer(station, FIXTURE.registry.encryption().certificate())
                .seal(PhotoSource.of(PHOTO), FIXTURE.code(), CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        return out.toByteArray();
    }

    private void assertRefused(Reason expected, byte[] envelope) {
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> FIXTURE.opener(temp).build().open(EnvelopeFixture.in(envelope)));
        assertEquals(expected, e.reason(), e.getMessage());
    }
}
