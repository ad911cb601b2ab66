package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CodeProof;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.server.registry.CodeBook.CodeRecord;
import dev.codebound.server.registry.EnrollmentService.TokenRecord;
import dev.codebound.server.registry.StationDirectory.Station;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contracts of {@link StationStore}, {@link EnrollmentTokenStore} and {@link CodeStore}, run
 * against each implementation: a subclass says how to open its stores, and opening again must give
 * a store over the same durable state (a restart).
 */
abstract class RecordStoresContract {
    private static final Instant T0 = RegistryFixture.NOW;
    private static final int RIVALS = 8;

    /** The station store over this test's state, opened afresh. */
    abstract StationStore openStations() throws Exception;

    /** The token store over this test's state, opened afresh. */
    abstract EnrollmentTokenStore openTokens() throws Exception;

    /** The code store over this test's state, opened afresh. */
    abstract CodeStore openCodes() throws Exception;

    @Test
    void aStationIsDurableAndItsFirstRevocationStands() throws Exception {
        StationStore stations = openStations();
        stations.add(station("ST-AAAAAAAA"));
        assertThrows(IllegalStateException.class, () -> stations.add(station("ST-AAAAAAAA")),
                "an existing station is never overwritten");
        Station revoked = stations.revoke("ST-AAAAAAAA", T0.plusSeconds(60), "stolen").orElseThrow();
        assertEquals(T0.plusSeconds(60), revoked.revokedAt());
        assertEquals(revoked, stations.revoke("ST-AAAAAAAA", T0.plusSeconds(120), "again").orElseThrow());
        assertEquals(Optional.empty(), stations.revoke("ST-NEVER", T0, "n"));

        StationStore reopened = openStations();
        assertEquals(Optional.of(revoked), reopened.find("ST-AAAAAAAA"));
        assertEquals(List.of(revoked), reopened.all());
    }

    @Test
    void concurrentRevocationsAgreeOnOne() throws Exception {
        StationStore stations = openStations();
        stations.add(station("ST-BBBBBBBB"));
        List<Station> answers = race(i -> stations.revoke("ST-BBBBBBBB", T0.plusSeconds(i), "note " + i)
                .orElseThrow());
        assertEquals(1, Set.copyOf(answers).size(), "every revoker gets the one revocation that stands");
        assertEquals(answers.get(0), openStations().find("ST-BBBBBBBB").orElseThrow());
    }

    @Test
    void aTokenEnrollsOneStationEvenWhenRedeemedConcurrently() throws Exception {
        EnrollmentTokenStore tokens = openTokens();
        TokenRecord issued = new TokenRecord("ab".repeat(32), T0, T0.plusSeconds(3600), "studio", null, null);
        tokens.add(issued);
        assertThrows(IllegalStateException.class, () -> tokens.add(issued));

        List<Optional<TokenRecord>> answers = race(i -> tokens.redeem(issued.tokenHash(), T0.plusSeconds(1),
                "ST-RIVAL" + i));
        List<TokenRecord> winners = answers.stream().flatMap(Optional::stream).toList();
        assertEquals(1, winners.size(), "exactly one redemption of a token may succeed");
        assertEquals(Optional.of(winners.get(0)), openTokens().find(issued.tokenHash()));
        assertEquals(Optional.empty(), openTokens().redeem(issued.tokenHash(), T0.plusSeconds(2), "ST-LATE"));
        assertEquals(Optional.empty(), tokens.redeem("cd".repeat(32), T0, "ST-X"), "an unknown token redeems nothing");
    }

    @Test
    void aCodeIsDurableAndItsFirstRevocationStands() throws Exception {
        CodeStore codes = openCodes();
        CodeRecord code = new CodeRecord("AAAAAAAAAAAAAAAA", "text", 10337, 2027, T0, T0.plusSeconds(86_400), T0,
                null, null, null);
        codes.add(code);
        codes.add(new CodeRecord("BBBBBBBBBBBBBBBB", "text", 10337, 2027, T0, T0.plusSeconds(86_400), T0, null, null,
                null));
        assertThrows(IllegalStateException.class, () -> codes.add(code));
        assertNull(codes.find("AAAAAAAAAAAAAAAA").orElseThrow().revokedAt());

        List<CodeRecord> answers = race(i -> codes.revoke("AAAAAAAAAAAAAAAA", T0.plusSeconds(i)).orElseThrow());
        assertEquals(1, Set.copyOf(answers).size(), "every revoker gets the one revocation that stands");
        assertEquals(Optional.empty(), codes.revoke("CCCCCCCCCCCCCCCC", T0));

        CodeStore reopened = openCodes();
        assertEquals(Set.of("AAAAAAAAAAAAAAAA"), reopened.revokedCodeIds());
        assertEquals(answers.get(0), reopened.find("AAAAAAAAAAAAAAAA").orElseThrow());
        assertEquals(2, reopened.all().size());
        assertTrue(reopened.find("CCCCCCCCCCCCCCCC").isEmpty());
    }

    private static Station station(String id) {
        return new Station(id, "0a", "ff".repeat(32), T0, T0.plusSeconds(86_400), null, null, null);
    }

    /** A call made by one of several rivals started at once. */
    interface Rival<T> {
        T call(int rival) throws Exception;
    }

    /** Runs {@link #RIVALS} calls as close to simultaneously as threads allow; their answers in order. */
    private static <T> List<T> race(Rival<T> rival) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(RIVALS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < RIVALS; i++) {
                int n = i;
                Callable<T> call = () -> {
                    start.await();
                    return rival.call(n);
                };
                futures.add(threads.submit(call));
            }
            start.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            threads.shutdownNow();
        }
    }

    /** A batch is recorded whole, durably; a clash with a recorded code, or within the batch, records none of it. */
    @Test
    void aBatchOfCodesIsRecordedTogetherAndAClashRecordsNoneOfIt() throws Exception {
        CodeStore codes = openCodes();
        List<CodeRecord> batch = List.of(plainCode("DDDDDDDDDDDDDDDD"), plainCode("EEEEEEEEEEEEEEEE"),
                plainCode("FFFFFFFFFFFFFFFF"));
        codes.addAll(batch);
        CodeStore reopened = openCodes();
        for (CodeRecord code : batch) {
            assertEquals(code, reopened.find(code.codeId()).orElseThrow(), "after reopening");
        }

        assertThrows(IllegalStateException.class,
                () -> codes.addAll(List.of(plainCode("GGGGGGGGGGGGGGGG"), plainCode("EEEEEEEEEEEEEEEE"))));
        assertThrows(IllegalStateException.class,
                () -> codes.addAll(List.of(plainCode("HHHHHHHHHHHHHHHH"), plainCode("HHHHHHHHHHHHHHHH"))));
        assertEquals(Optional.empty(), openCodes().find("GGGGGGGGGGGGGGGG"), "nothing of a refused batch");
        assertEquals(Optional.empty(), openCodes().find("HHHHHHHHHHHHHHHH"), "nothing of a refused batch");
    }

    private static CodeRecord plainCode(String codeId) {
        return new CodeRecord(codeId, "text", 10337, 2027, T0, T0.plusSeconds(86_400), T0, null, null, null);
    }

    @Test
    void aCodeKeepsItsCodeKeys() throws Exception {
        CodeStore codes = openCodes();
        CodeRecord issued = CodeRecord.issued(realCode(), T0);
        codes.add(issued);
        assertEquals(issued, codes.find(issued.codeId()).orElseThrow());
        assertEquals(issued, openCodes().find(issued.codeId()).orElseThrow(), "after reopening");
        assertArrayEquals(CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, CollectionCode.decode(issued.text())),
                issued.codeKey(Suite.P256_AES256GCM_SHA256).orElseThrow());
        assertArrayEquals(CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, CollectionCode.decode(issued.text())),
                issued.codeKey(Suite.SM2_SM4GCM_SM3).orElseThrow());
    }

    /** Codes issued before code keys existed get them, from their text, the next time the store opens. */
    @Test
    void aCodeRecordedBeforeCodeKeysGetsThemWhenTheStoreOpens() throws Exception {
        CodeRecord keyed = CodeRecord.issued(realCode(), T0);
        CodeRecord old = new CodeRecord(keyed.codeId(), keyed.text(), keyed.schoolCode(), keyed.cohort(),
                keyed.notBefore(), keyed.notAfter(), keyed.issuedAt(), null, null, null);
        CodeStore codes = openCodes();
        codes.add(old);
        assertFalse(codes.find(old.codeId()).orElseThrow().hasCodeKeys(), "as an older registry wrote it");

        assertEquals(keyed, openCodes().find(old.codeId()).orElseThrow());
        assertEquals(keyed, openCodes().find(old.codeId()).orElseThrow(), "opening again changes nothing");
    }

    private static IssuedCode realCode() {
        RegistryKeyring keyring = RegistryFixture.KEYRING;
        return new CodeIssuer(keyring.codeSigning(), keyring.encryption().certificate()).issue(
                new StudentIdentity("S2027001", "张三", "11010519491231002X"), 10337, 2027, T0, T0.plusSeconds(86_400));
    }
}
