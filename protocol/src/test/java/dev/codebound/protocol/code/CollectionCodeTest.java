package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeException.Reason;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TestRegistries;
import dev.codebound.protocol.pki.TrustBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CollectionCodeTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023012345", "张三丰", "11010519491231002X");
    static final Instant NOW = TestRegistries.NOW;
    static final Instant VALID_FROM = NOW.minus(Duration.ofDays(1));
    static final Instant VALID_TO = NOW.plus(Duration.ofDays(90));

    static RegistryKeyring registry;
    static TrustBundle bundle;
    static CodeIssuer issuer;
    static IssuedCode issued;

    @BeforeAll
    static void issueOne() {
        registry = TestRegistries.create("Test Registry");
        bundle = registry.trustBundle(1, NOW);
        issuer = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate());
        issued = issuer.issue(STUDENT, 10337, 2027, VALID_FROM, VALID_TO);
    }

    @Test
    void anIssuedCodeDescribesTheWholeSecondsItSigned() throws CodeException {
        Instant fractional = VALID_FROM.plusMillis(146);
        IssuedCode code = issuer.issue(STUDENT, 10337, 2027, fractional, VALID_TO.plusNanos(999_999_999));
        VerifiedCode verified = new CodeVerifier(bundle).verify(code.text(), NOW);
        assertEquals(VALID_FROM, code.notBefore(), "the issued code starts when the signed code does");
        assertEquals(VALID_TO, code.notAfter());
        assertEquals(verified.notBefore(), code.notBefore());
        assertEquals(verified.notAfter(), code.notAfter());
    }

    @Test
    void verifiedCodeShowsOnlyPublicFields() throws CodeException {
        VerifiedCode code = new CodeVerifier(bundle).verify(issued.text(), NOW);
        assertEquals(issued.codeId(), code.codeId());
        assertEquals(10337, code.schoolCode());
        assertEquals(2027, code.cohort());
        assertEquals(VALID_FROM, code.notBefore());
        assertEquals(VALID_TO, code.notAfter());
        assertEquals("张**", code.maskedName());
        assertEquals(16, code.codeId().length());
        assertTrue(!issued.text().contains("2023012345") && !code.toString().contains("张"));
    }

    @Test
    void textFitsOneQrCodeAndUsesOnlyScannerSafeCharacters() {
        assertTrue(issued.text().length() < 400, "code is " + issued.text().length() + " characters");
        assertTrue(issued.text().matches("CB1[A-Z2-7]+"), issued.text());
    }

    @Test
    void caseAndWhitespaceFromTypingAreIgnored() throws CodeException {
        String typed = issued.text().toLowerCase().substring(0, 40) + "\n  " + issued.text().substring(40) + "\r\n";
        assertEquals(issued.codeId(), new CodeVerifier(bundle).verify(typed, NOW).codeId());
    }

    @Test
    void registryRecoversTheSealedIdentity() throws CodeException {
        VerifiedCode code = new CodeVerifier(bundle).verify(issued.text(), NOW);
        StudentIdentity opened = new IdentityOpener(registry.encryption()).open(code);
        assertEquals(STUDENT, opened);
    }

    @Test
    void anotherRegistryCannotOpenTheIdentity() throws CodeException {
        RegistryKeyring other = TestRegistries.create("Other Registry");
        VerifiedCode code = new CodeVerifier(bundle).verify(issued.text(), NOW);
        CodeException e = assertThrows(CodeException.class, () -> new IdentityOpener(other.encryption()).open(code));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void twoCodesForTheSameStudentDiffer() {
        IssuedCode second = issuer.issue(STUDENT, 10337, 2027, VALID_FROM, VALID_TO);
        assertNotEquals(issued.codeId(), second.codeId());
        assertNotEquals(issued.text(), second.text());
    }

    @Test
    void malformedInputsAreRefusedAsMalformed() {
        for (String text : new String[] {"", "   ", "https://example.org/x", "CB", "CB1", "CB1ABC",
                issued.text().substring(0, issued.text().length() - 9), issued.text() + "AAAAAAAA",
                issued.text().substring(0, 50) + "0" + issued.text().substring(51),
                issued.text().substring(0, 50) + "-" + issued.text().substring(51)}) {
            assertReason(Reason.MALFORMED, text, NOW);
        }
    }

    @Test
    void malformedMessageNamesTheBadCharacterAndItsPosition() {
        String text = issued.text().substring(0, 50) + "8" + issued.text().substring(51);
        CodeException e = assertThrows(CodeException.class, () -> new CodeVerifier(bundle).verify(text, NOW));
        assertTrue(e.getMessage().contains("'8' at position 51"), e.getMessage());
    }

    @Test
    void otherVersionsAreUnsupported() {
        assertReason(Reason.UNSUPPORTED_VERSION, "CB2" + issued.text().substring(3), NOW);
        byte[] binary = binary(issued.text());
        binary[0] = 2;
        assertReason(Reason.UNSUPPORTED_VERSION, CodeText.encode(1, binary), NOW);
        binary[0] = 1;
        binary[1] = 9;
        assertReason(Reason.UNSUPPORTED_VERSION, CodeText.encode(1, binary), NOW);
    }

    @Test
    void codeFromAnotherRegistryHasUnknownKey() {
        RegistryKeyring other = TestRegistries.create("Other Registry");
        IssuedCode foreign = new CodeIssuer(other.codeSigning(), other.encryption().certificate())
                .issue(STUDENT, 10337, 2027, VALID_FROM, VALID_TO);
        assertReason(Reason.UNKNOWN_KEY, foreign.text(), NOW);
    }

    @Test
    void theAdviceForAnUnknownKeyDependsOnWhetherTheCodeIsNewerThanTheBundle() {
        RegistryKeyring other = TestRegistries.create("Other Registry");
        CodeIssuer issuer = new CodeIssuer(other.codeSigning(), other.encryption().certificate());
        CodeException foreign = assertThrows(CodeException.class, () -> new CodeVerifier(bundle)
                .verify(issuer.issue(STUDENT, 10337, 2027, VALID_FROM, VALID_TO).text(), NOW));
        assertTrue(foreign.getMessage().contains("refreshing the trust bundle will not help"), foreign.getMessage());

        CodeException newer = assertThrows(CodeException.class, () -> new CodeVerifier(bundle)
                .verify(issuer.issue(STUDENT, 10337, 2027, NOW.plusSeconds(60), VALID_TO).text(),
                        NOW.plusSeconds(120)));
        assertTrue(newer.getMessage().contains("run 'codebound-agent trust refresh'"), newer.getMessage());
    }

    @Test
    void anyAlteredFieldBreaksTheSignature() {
        byte[] binary = binary(issued.text());
        int schoolCodeOffset = 2 + 8 + 10;
        binary[schoolCodeOffset + 3] ^= 0x01;
        assertReason(Reason.BAD_SIGNATURE, CodeText.encode(1, binary), NOW);
    }

    @Test
    void everySingleCharacterChangeIsRejected() {
        String text = issued.text();
        CodeVerifier verifier = new CodeVerifier(bundle);
        for (int i = 0; i < text.length(); i++) {
            char replacement = text.charAt(i) == 'A' ? 'B' : 'A';
            String altered = text.substring(0, i) + replacement + text.substring(i + 1);
            int position = i;
            assertThrows(CodeException.class, () -> verifier.verify(altered, NOW), () -> "change at " + position);
        }
    }

    @Test
    void validityWindowIsEnforced() {
        assertReason(Reason.NOT_YET_VALID, issued.text(), VALID_FROM.minusSeconds(1));
        assertReason(Reason.EXPIRED, issued.text(), VALID_TO.plusSeconds(1));
    }

    @Test
    void revokedCodeAndRevokedKeyAreRefused() {
        TrustBundle codeRevoked = registry.trustBundle(2, NOW, Set.of(), Set.of(issued.codeId()), Set.of());
        CodeException e = assertThrows(CodeException.class,
                () -> new CodeVerifier(codeRevoked).verify(issued.text(), NOW));
        assertEquals(Reason.REVOKED, e.reason());
        assertTrue(e.getMessage().contains("new code"), e.getMessage());

        String keyId = HexFormat.of().formatHex(registry.codeSigning().keyId());
        TrustBundle keyRevoked = registry.trustBundle(3, NOW, Set.of(keyId), Set.of(), Set.of());
        e = assertThrows(CodeException.class, () -> new CodeVerifier(keyRevoked).verify(issued.text(), NOW));
        assertEquals(Reason.REVOKED, e.reason());
        assertTrue(e.getMessage().contains("key " + keyId), e.getMessage());
    }

    @Test
    void stationBoundToOtherSchoolsRefusesTheCode() throws CodeException {
        CodeException e = assertThrows(CodeException.class,
                () -> new CodeVerifier(bundle, Set.of(10001, 10002)).verify(issued.text(), NOW));
        assertEquals(Reason.WRONG_SCHOOL, e.reason());
        assertTrue(e.getMessage().contains("school 10337"), e.getMessage());
        assertEquals(10337, new CodeVerifier(bundle, Set.of(10337)).verify(issued.text(), NOW).schoolCode());
    }

    @Test
    void issuerRefusesOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> issuer.issue(STUDENT, 0, 2027, VALID_FROM, VALID_TO));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue(STUDENT, 10337, 27, VALID_FROM, VALID_TO));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue(STUDENT, 10337, 2027, VALID_TO, VALID_FROM));
    }

    private static void assertReason(Reason expected, String text, Instant at) {
        CodeException e = assertThrows(CodeException.class, () -> new CodeVerifier(bundle).verify(text, at),
                () -> "expected " + expected + " for " + text);
        assertEquals(expected, e.reason(), e.getMessage());
    }

    private static byte[] binary(String text) {
        String body = text.substring(3);
        int remainder = body.length() % 8;
        return Base32.decode(remainder == 0 ? body : body + "=".repeat(8 - remainder));
    }
}
