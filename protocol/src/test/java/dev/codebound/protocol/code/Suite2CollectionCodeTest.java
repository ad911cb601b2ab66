package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeException.Reason;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TestRegistries;
import dev.codebound.protocol.pki.TrustBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Collection codes of suite 2: signed with SM2/SM3 by the registry's SM2 code-signing key, the
 * identity sealed with an SM2-transported SM4-GCM key. Verified offline as suite 1 codes are; every
 * alteration is refused.
 */
class Suite2CollectionCodeTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023012345", "张三丰", "11010519491231002X");
    static final Instant NOW = TestRegistries.NOW;

    static RegistryKeyring registry;
    static TrustBundle bundle;
    static CodeIssuer issuer;
    static IssuedCode issued;

    @BeforeAll
    static void issueOne() {
        registry = TestRegistries.create("Suite 2 Code Registry");
        bundle = registry.trustBundle(1, NOW, Set.of(), Set.of(), Set.of(), Set.of(1, 2));
        issuer = new CodeIssuer(registry.sm2CodeSigning(), registry.sm2Encryption().certificate());
        issued = issuer.issue(STUDENT, 10337, 2027, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
    }

    @Test
    void aSuite2CodeVerifiesAndItsIdentityOpensWithTheSm2EncryptionKey() throws Exception {
        VerifiedCode verified = new CodeVerifier(bundle).verify(issued.text(), NOW);
        assertEquals(CollectionCode.SUITE_SM2, verified.code().suite());
        assertEquals("张**", verified.maskedName());
        assertEquals(STUDENT, new IdentityOpener(registry.sm2Encryption()).open(verified));
        CodeException wrongKey = assertThrows(CodeException.class,
                () -> new IdentityOpener(registry.encryption()).open(verified));
        assertEquals(Reason.UNKNOWN_KEY, wrongKey.reason());
    }

    @Test
    void aSuite2CodeIsLongerThanASuite1CodeByItsSm2KeyField() {
        IssuedCode suite1 = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate())
                .issue(STUDENT, 10337, 2027, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
        assertEquals(binary(suite1.text()).length + Sm2IdentitySeal.SEALED_KEY_LENGTH
                - IdentitySeal.EPHEMERAL_KEY_LENGTH, binary(issued.text()).length);
    }

    @Test
    void everyByteFlipIsRefused() {
        byte[] binary = binary(issued.text());
        CodeVerifier verifier = new CodeVerifier(bundle);
        for (int i = 0; i < binary.length; i++) {
            byte[] altered = binary.clone();
            altered[i] ^= 0x01;
            String text = "CB1" + Base32.toBase32String(altered).replace("=", "");
            int at = i;
            CodeException e = assertThrows(CodeException.class, () -> verifier.verify(text, NOW),
                    "flipping byte " + at + " must not verify");
            assertTrue(Set.of(Reason.MALFORMED, Reason.UNSUPPORTED_VERSION, Reason.UNKNOWN_KEY, Reason.BAD_SIGNATURE)
                    .contains(e.reason()), "byte " + at + ": " + e.reason());
        }
    }

    @Test
    void aSealedIdentityMovedIntoAnotherCodeDoesNotOpen() throws Exception {
        // The registry's own code-signing key re-signs a code whose sealed key and identity come from another
        // code: the header (authenticated as GCM's additional data) no longer matches, so the identity stays sealed.
        IssuedCode other = issuer.issue(new StudentIdentity("2023099999", "李四", "11010519491231002X"), 10337, 2027,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
        byte[] target = binary(issued.text());
        byte[] donor = binary(other.text());
        int keyFieldAt = 37 + Byte.toUnsignedInt(target[36]) + 8;
        int donorKeyFieldAt = 37 + Byte.toUnsignedInt(donor[36]) + 8;
        int movedLength = donor.length - 64 - donorKeyFieldAt;
        byte[] spliced = new byte[keyFieldAt + movedLength];
        System.arraycopy(target, 0, spliced, 0, keyFieldAt);
        System.arraycopy(donor, donorKeyFieldAt, spliced, keyFieldAt, movedLength);
        // Change the code id too, so the spliced code differs from the donor in its header.
        spliced[10] ^= 0x01;
        byte[] signature = CompactSignature.SM2_SM3.sign(registry.sm2CodeSigning()
                .privateKey(), CollectionCode.concat(CollectionCode.SIGNATURE_DOMAIN, spliced));
        String text = "CB1" + Base32.toBase32String(CollectionCode.concat(spliced, signature)).replace("=", "");
        VerifiedCode verified = new CodeVerifier(bundle).verify(text, NOW);
        CodeException e = assertThrows(CodeException.class,
                () -> new IdentityOpener(registry.sm2Encryption()).open(verified));
        assertEquals(Reason.MALFORMED, e.reason());
    }

    @Test
    void anIssuerRefusesKeysOfTwoSuites() {
        PkiException e = assertThrows(PkiException.class,
                () -> new CodeIssuer(registry.sm2CodeSigning(), registry.encryption().certificate()));
        assertTrue(e.getMessage().contains("SM2"), e.getMessage());
    }

    private static byte[] binary(String text) {
        String body = text.substring(3);
        int remainder = body.length() % 8;
        return Base32.decode(remainder == 0 ? body : body + "=".repeat(8 - remainder));
    }
}
