package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suite 2 ({@code CB-SM2-SM4GCM-SM3}) seals and opens like suite 1, uses exactly its own algorithms,
 * and an envelope whose layers or keys belong to the other suite is refused.
 */
class Suite2EnvelopeTest {
    private static final EnvelopeFixture SM = new EnvelopeFixture(Suite.SM2_SM4GCM_SM3);
    private static final byte[] PHOTO = EnvelopeFixture.photo(200_003);

    @TempDir
    Path temp;

    @Test
    void photosOfManySizesRoundTrip() throws Exception {
        for (int length : new int[] {0, 1, 15, 16, 17, 65_535, 65_536, 65_537, 200_003}) {
            byte[] photo = EnvelopeFixture.photo(length);
            try (OpenedEnvelope opened = SM.opener(temp).build().open(EnvelopeFixture.in(SM.seal(photo)))) {
                assertArrayEquals(photo, opened.openPhoto().readAllBytes(), "photo of " + length + " bytes");
                assertEquals(2, opened.binding().suiteId());
                assertArrayEquals(SM.suite.photoDigest().digest(photo), opened.binding().photoDigest());
                assertEquals(32, opened.binding().photoDigest().length, "SM3 digests are 32 bytes");
            }
        }
    }

    @Test
    void envelopeUsesSuite2AlgorithmsOnly() throws Exception {
        CMSSignedData signed = new CMSSignedData(SM.seal(PHOTO));
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        assertEquals(GMObjectIdentifiers.sm3.getId(), signer.getDigestAlgOID());
        assertEquals(GMObjectIdentifiers.sm2sign_with_sm3.getId(), signer.getEncryptionAlgOID());
        AuthEnvelopedData data = authEnvelopedData((byte[]) signed.getSignedContent().getContent());
        KeyTransRecipientInfo recipient = (KeyTransRecipientInfo) RecipientInfo.getInstance(
                data.getRecipientInfos().getObjectAt(0)).getInfo();
        assertEquals(GMObjectIdentifiers.sm2encrypt, recipient.getKeyEncryptionAlgorithm().getAlgorithm());
        assertEquals(GMObjectIdentifiers.sms4_gcm,
                data.getAuthEncryptedContentInfo().getContentEncryptionAlgorithm().getAlgorithm());
        assertEquals(16, data.getMac().getOctets().length);
    }

    @Test
    void suite2EnvelopeWhoseBindingNamesSuite1IsRefused() throws Exception {
        Binding real = SM.binding(SM.code(), PHOTO);
        Binding claimsSuite1 = Binding.withCodeText(Suite.P256_AES256GCM_SHA256.id(), real.codeId(),
                real.codeText(), real.photoDigest(), real.photoLength(), real.mediaType(), real.stationId(),
                real.captureTime());
        assertRefused(Reason.UNSUPPORTED_SUITE, SM.assemble(SM.station, claimsSuite1, claimsSuite1, PHOTO));
    }

    @Test
    void suite2SignatureOverASuite1EncryptedLayerIsRefused() throws Exception {
        EnvelopeFixture p256 = new EnvelopeFixture();
        Binding binding = SM.binding(SM.code(), PHOTO);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream signedLayer = SignedLayer.open(out, Suite.SM2_SM4GCM_SM3, SM.station, binding.toDer());
                OutputStream encryptedLayer = EncryptedLayer.open(signedLayer, Suite.P256_AES256GCM_SHA256,
                        p256.recipient.certificate())) {
            InnerContent.writeHeader(encryptedLayer, binding.toDer());
            encryptedLayer.write(PHOTO);
        }
        EnvelopeOpener opener = SM.opener(temp).recipient(p256.recipient).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(out.toByteArray())));
        assertEquals(Reason.UNSUPPORTED_SUITE, e.reason(), e.getMessage());
    }

    @Test
    void suite1EnvelopeSignedWithAnSm2StationKeyIsRefused() throws Exception {
        EnvelopeFixture p256 = new EnvelopeFixture();
        StationCredentials sm2Station = EnvelopeFixture.sm2Station(p256.registry, "station-0001",
                EnvelopeFixture.NOW.minus(Duration.ofDays(1)), EnvelopeFixture.NOW.plus(Duration.ofDays(30)));
        Binding binding = p256.binding(p256.code(), PHOTO);
        byte[] envelope = p256.assemble(sm2Station, binding, binding, PHOTO);
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> p256.opener(temp).build().open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.UNTRUSTED_SIGNER, e.reason(), e.getMessage());
    }

    @Test
    void sealerRefusesKeysOfTheOtherSuite() {
        EnvelopeFixture p256 = new EnvelopeFixture();
        assertThrows(PkiException.class,
                () -> new EnvelopeSealer(SM.station, p256.recipient.certificate(), Suite.SM2_SM4GCM_SM3));
        assertThrows(PkiException.class,
                () -> new EnvelopeSealer(p256.station, SM.recipient.certificate(), Suite.SM2_SM4GCM_SM3));
        assertThrows(PkiException.class,
                () -> new EnvelopeSealer(SM.station, SM.recipient.certificate(), Suite.P256_AES256GCM_SHA256));
    }

    @Test
    void alteredEncryptedKeyFailsToDecrypt() throws Exception {
        Binding binding = SM.binding(SM.code(), PHOTO);
        byte[] envelope = SM.assemble(SM.station, binding, binding, PHOTO);
        byte[] inner = (byte[]) new CMSSignedData(envelope).getSignedContent().getContent();
        byte[] encryptedKey = EnvelopeParts.of(envelope).encryptedKey();
        byte[] tamperedInner = EnvelopeVectorGenerator.flipInside(inner, Arrays.copyOfRange(encryptedKey,
                encryptedKey.length - 20, encryptedKey.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream signedLayer = SignedLayer.open(out, SM.suite, SM.station, binding.toDer())) {
            signedLayer.write(tamperedInner);
        }
        assertRefused(Reason.DECRYPTION_FAILED, out.toByteArray());
    }

    private static AuthEnvelopedData authEnvelopedData(byte[] contentInfo) {
        return AuthEnvelopedData.getInstance(ContentInfo.getInstance(contentInfo).getContent());
    }

    private void assertRefused(Reason expected, byte[] envelope) {
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> SM.opener(temp).build().open(EnvelopeFixture.in(envelope)));
        assertEquals(expected, e.reason(), e.getMessage());
    }
}
