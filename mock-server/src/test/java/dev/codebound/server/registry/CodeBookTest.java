package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CodeProof;
import dev.codebound.protocol.envelope.CodeProofKey;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeBookTest {
    @TempDir
    Path dir;
    CodeBook codes;

    @BeforeEach
    void setUp() throws Exception {
        codes = new CodeBook(new FileCodeStore(dir.resolve("codes")), new CodeIssuer(RegistryFixture.KEYRING.codeSigning(),
                RegistryFixture.KEYRING.encryption().certificate()), RegistryFixture.clockAt(RegistryFixture.NOW));
    }

    @Test
    void batchIssuesVerifiableCodesAndStoresNoIdentity() throws Exception {
        String csv = """
                student_number,name,id_number,school_code,cohort,not_before,not_after
                2023001,张三,11010519491231002X,10337,2027,,
                2023002,"欧阳, 娜娜",11010519491231002X,10337,2027,2026-05-01T00:00:00Z,2026-09-01T00:00:00Z
                """;
        List<IssuedCode> issued = codes.issueBatch(csv);
        assertEquals(2, issued.size());
        TrustBundle bundle = RegistryFixture.KEYRING.trustBundle(1, RegistryFixture.NOW);
        for (IssuedCode code : issued) {
            assertEquals(code.codeId(), new CodeVerifier(bundle).verify(code.text(), RegistryFixture.NOW).codeId());
            assertTrue(codes.find(code.codeId()).isPresent());
        }
        assertEquals(RegistryFixture.NOW.plus(CodeBook.DEFAULT_VALIDITY), issued.get(0).notAfter());
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                assertFalse(content.contains("张") || content.contains("2023001") || content.contains("110105"),
                        file.toString());
            }
        }
    }

    @Test
    void anyBadRowRejectsTheWholeBatchNamingEachRow() throws Exception {
        String csv = """
                student_number,name,id_number,school_code,cohort
                2023001,张三,11010519491231002X,10337,2027
                2023002,李四,110105194912310021,10337,2027
                2023003,王五,11010519491231002X,abc,2027
                """;
        Refusal e = assertThrows(Refusal.class, () -> codes.issueBatch(csv));
        assertEquals(ProblemType.CSV_INVALID, e.type());
        assertTrue(e.getMessage().contains("row 2: ID number check digit is wrong"), e.getMessage());
        assertTrue(e.getMessage().contains("row 3: school_code 'abc' is not a whole number"), e.getMessage());
        assertTrue(codes.all().isEmpty(), "no code may be issued from a batch with errors");
    }

    @Test
    void missingColumnsAndEmptyBatchesAreExplained() {
        Refusal missing = assertThrows(Refusal.class,
                () -> codes.issueBatch("student_number,name\n1,x\n"));
        assertTrue(missing.getMessage().contains("'id_number' is missing"), missing.getMessage());
        Refusal empty = assertThrows(Refusal.class, () -> codes.issueBatch(
                "student_number,name,id_number,school_code,cohort\n"));
        assertTrue(empty.getMessage().contains("no student rows"), empty.getMessage());
    }

    @Test
    void revocationIsPublishedInANewerTrustBundle() throws Exception {
        IssuedCode code = codes.issueBatch(
                "student_number,name,id_number,school_code,cohort\n1,张三,11010519491231002X,10337,2027\n").get(0);
        StationDirectory stations = new StationDirectory(new FileStationStore(dir.resolve("stations")));
        TrustBundlePublisher publisher = new TrustBundlePublisher(
                new FileTrustBundleStore(dir.resolve("trust-bundle.json")), RegistryFixture.KEYRING, stations, codes,
                RegistryFixture.clockAt(RegistryFixture.NOW), Set.of(1, 2));
        byte[] first = publisher.current();
        assertEquals(1, publisher.currentBundle().sequence());
        assertEquals(new String(first), new String(publisher.current()), "unchanged state, same bundle");

        codes.revoke(code.codeId());
        TrustBundle second = TrustBundleCodec.verify(publisher.current(),
                RegistryFixture.KEYRING.authority().certificate(), "bundle");
        assertEquals(2, second.sequence());
        assertTrue(second.isCodeRevoked(code.codeId()));

        TrustBundlePublisher reopened = new TrustBundlePublisher(
                new FileTrustBundleStore(dir.resolve("trust-bundle.json")), RegistryFixture.KEYRING, stations, codes,
                RegistryFixture.clockAt(RegistryFixture.NOW), Set.of(1, 2));
        assertEquals(2, reopened.currentBundle().sequence(), "sequence survives a restart");
    }

    @Test
    void revocationsAreKnownWithoutReadingEveryCodeAndSurviveReopening() throws Exception {
        List<IssuedCode> issued = codes.issueBatch("student_number,name,id_number,school_code,cohort\n"
                + "1,张三,11010519491231002X,10337,2027\n2,李四,11010519491231002X,10337,2027\n");
        codes.revoke(issued.get(1).codeId());
        codes.revoke(issued.get(1).codeId());
        assertEquals(Set.of(issued.get(1).codeId()), codes.revokedCodeIds());

        // The acceptance path asks for revocations on every envelope: the answer must come from
        // memory, not from re-reading each code record (a stray file would otherwise break it).
        Files.writeString(dir.resolve("codes").resolve("stray.json"), "not json");
        assertEquals(Set.of(issued.get(1).codeId()), codes.revokedCodeIds());
        Files.delete(dir.resolve("codes").resolve("stray.json"));

        CodeBook reopened = new CodeBook(new FileCodeStore(dir.resolve("codes")),
                new CodeIssuer(RegistryFixture.KEYRING.codeSigning(),
                RegistryFixture.KEYRING.encryption().certificate()), RegistryFixture.clockAt(RegistryFixture.NOW));
        assertEquals(Set.of(issued.get(1).codeId()), reopened.revokedCodeIds());
    }

    @Test
    void anIssuedCodesRecordHoldsItsCodeKeysAndNeverShowsThem() throws Exception {
        IssuedCode code = codes.issueBatch("student_number,name,id_number,school_code,cohort\n"
                + "2023001,张三,11010519491231002X,10337,2027\n").get(0);
        CodeBook.CodeRecord record = codes.find(code.codeId()).orElseThrow();
        byte[] key = CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, CollectionCode.decode(code.text()));
        assertArrayEquals(key, codes.proofKeys().find(code.codeId(), Suite.SM2_SM4GCM_SM3).orElseThrow().key());
        assertFalse(record.toString().contains(record.codeKeySha256()) || record.toString().contains(
                record.codeKeySm3()) || record.toString().contains(code.text()), record.toString());
        assertEquals(Optional.empty(), codes.proofKeys().find("AAAAAAAAAAAAAAAA", Suite.P256_AES256GCM_SHA256));
    }

    /** A rolling upgrade: a node of an earlier release writes a record without keys after this node opened. */
    @Test
    void aRecordWithoutKeysStillGivesTheCodesKey() throws Exception {
        FileCodeStore store = new FileCodeStore(dir.resolve("shared-codes"));
        CodeBook book = new CodeBook(store, issuer(), RegistryFixture.clockAt(RegistryFixture.NOW));
        IssuedCode code = issuer().issue(new StudentIdentity("2023001", "张三", "11010519491231002X"), 10337, 2027,
                RegistryFixture.NOW, RegistryFixture.NOW.plusSeconds(86_400));
        store.add(new CodeBook.CodeRecord(code.codeId(), code.text(), code.schoolCode(), code.cohort(),
                code.notBefore(), code.notAfter(), RegistryFixture.NOW, null, null, null));
        CodeProofKey key = book.proofKeys().find(code.codeId(), Suite.P256_AES256GCM_SHA256).orElseThrow();
        assertArrayEquals(CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, CollectionCode.decode(code.text())), key.key());
        assertEquals(code.notAfter(), key.notAfter());
    }

    /**
     * A code issued at 10:27:25.146 says it is valid from 10:27:25; a photo captured at 10:27:25 (a
     * capture time has whole seconds) was refused CODE_NOT_YET_VALID when the record kept the fraction.
     */
    @Test
    void aCodeIssuedMidSecondIsValidForAPhotoTakenInThatSecond() throws Exception {
        Instant midSecond = RegistryFixture.NOW.plusMillis(146);
        CodeBook book = new CodeBook(new FileCodeStore(dir.resolve("mid-second")), issuer(),
                RegistryFixture.clockAt(midSecond));
        IssuedCode code = book.issue(new CodeBook.CodeRequest(new StudentIdentity("2023001", "张三",
                "11010519491231002X"), 10337, 2027, midSecond, midSecond.plus(CodeBook.DEFAULT_VALIDITY)));
        CodeProofKey key = book.proofKeys().find(code.codeId(), Suite.P256_AES256GCM_SHA256).orElseThrow();
        assertEquals(RegistryFixture.NOW, key.notBefore());
        assertEquals(RegistryFixture.NOW, book.find(code.codeId()).orElseThrow().notBefore());
        CodeBook.CodeRecord earlier = new CodeBook.CodeRecord(code.codeId(), code.text(), 10337, 2027, midSecond,
                midSecond.plusSeconds(60), midSecond, null, null, null);
        assertEquals(RegistryFixture.NOW, earlier.notBefore(), "an earlier release's record is read in whole seconds");
    }

    private static CodeIssuer issuer() {
        return new CodeIssuer(RegistryFixture.KEYRING.codeSigning(), RegistryFixture.KEYRING.encryption().certificate());
    }
}
