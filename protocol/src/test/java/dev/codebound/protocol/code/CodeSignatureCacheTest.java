package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.code.CodeException.Reason;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TestRegistries;
import dev.codebound.protocol.pki.TrustBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Remembered code signatures never let through what a fresh verification would refuse. */
class CodeSignatureCacheTest {
    private static final Instant NOW = TestRegistries.NOW;
    private static final StudentIdentity STUDENT = new StudentIdentity("2023054321", "Cache Student",
            "11010519491231002X");
    private static RegistryKeyring registry;
    private static TrustBundle bundle;
    private static IssuedCode issued;

    @BeforeAll
    static void issueOne() {
        registry = TestRegistries.create("Code Cache Registry");
        bundle = registry.trustBundle(1, NOW);
        issued = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate())
                .issue(STUDENT, 10337, 2027, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    }

    @Test
    void aVerifiedCodeIsRememberedOnceAcrossVerifiers() throws CodeException {
        new CodeVerifier(bundle).verify(issued.text(), NOW);
        int remembered = CodeSignatureCache.size();
        new CodeVerifier(bundle).verify(issued.text(), NOW);
        new CodeVerifier(registry.trustBundle(2, NOW)).verify(issued.text(), NOW);
        assertEquals(remembered, CodeSignatureCache.size());
    }

    @Test
    void anAlteredCodeIsRefusedAfterTheGenuineOneWasRemembered() throws CodeException {
        new CodeVerifier(bundle).verify(issued.text(), NOW);
        byte[] binary = CodeText.decode(issued.text(), 1);
        binary[2 + 8 + 10 + 3] ^= 0x01; // the school code: signed, so the signature no longer covers it
        String altered = CodeText.encode(1, binary);
        for (int attempt = 0; attempt < 2; attempt++) {
            CodeException e = assertThrows(CodeException.class, () -> new CodeVerifier(bundle).verify(altered, NOW));
            assertEquals(Reason.BAD_SIGNATURE, e.reason(), "a refusal is not remembered as a success");
        }
        byte[] forged = CodeText.decode(issued.text(), 1);
        forged[forged.length - 1] ^= 0x01; // the signature itself
        CodeException e = assertThrows(CodeException.class,
                () -> new CodeVerifier(bundle).verify(CodeText.encode(1, forged), NOW));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void revocationAndValidityAreStillCheckedEveryTime() throws CodeException {
        new CodeVerifier(bundle).verify(issued.text(), NOW);
        TrustBundle codeRevoked = registry.trustBundle(3, NOW, Set.of(), Set.of(issued.codeId()), Set.of());
        assertEquals(Reason.REVOKED, assertThrows(CodeException.class,
                () -> new CodeVerifier(codeRevoked).verify(issued.text(), NOW)).reason());
        String keyId = HexFormat.of().formatHex(registry.codeSigning().keyId());
        TrustBundle keyRevoked = registry.trustBundle(4, NOW, Set.of(keyId), Set.of(), Set.of());
        assertEquals(Reason.REVOKED, assertThrows(CodeException.class,
                () -> new CodeVerifier(keyRevoked).verify(issued.text(), NOW)).reason());
        assertEquals(Reason.EXPIRED, assertThrows(CodeException.class,
                () -> new CodeVerifier(bundle).verify(issued.text(), NOW.plus(Duration.ofDays(31)))).reason());
        assertEquals(Reason.WRONG_SCHOOL, assertThrows(CodeException.class,
                () -> new CodeVerifier(bundle, Set.of(10001)).verify(issued.text(), NOW)).reason());
    }
}
