package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;
import org.junit.jupiter.api.Test;

class CipherSuiteOrderTest {
    private static CipherSuiteOrder order(Map<String, String> flags) {
        return CipherSuiteOrder.forFlags(name -> Optional.ofNullable(flags.get(name)));
    }

    @Test
    void aesGcmComesFirstOnlyWithTheOptimizingTierAndItsAesIntrinsics() {
        Map<String, String> both = Map.of("TieredCompilation", "true", "TieredStopAtLevel", "4",
                "UseAESIntrinsics", "true", "UseAESCTRIntrinsics", "true");
        assertEquals(CipherSuiteOrder.AES_GCM_FIRST, order(both));
        assertEquals(CipherSuiteOrder.AES_GCM_FIRST, order(Map.of("TieredCompilation", "false",
                "TieredStopAtLevel", "1", "UseAESIntrinsics", "true", "UseAESCTRIntrinsics", "true")),
                "without tiers the optimizing compiler runs alone");
        assertEquals(CipherSuiteOrder.CHACHA20_POLY1305_FIRST, order(Map.of("TieredCompilation", "true",
                "TieredStopAtLevel", "1", "UseAESIntrinsics", "true", "UseAESCTRIntrinsics", "true")),
                "the launcher's first tier only has no intrinsics");
        assertEquals(CipherSuiteOrder.CHACHA20_POLY1305_FIRST, order(Map.of("TieredCompilation", "true",
                "TieredStopAtLevel", "4", "UseAESIntrinsics", "false", "UseAESCTRIntrinsics", "false")),
                "a CPU without AES-NI");
        assertEquals(CipherSuiteOrder.CHACHA20_POLY1305_FIRST, order(Map.of()), "flags that cannot be read");
    }

    @Test
    void everySuiteStaysOfferedOnlyTheOrderChanges() {
        List<CipherSuite> restricted = ConnectionSpec.RESTRICTED_TLS.cipherSuites();
        List<CipherSuite> chaChaFirst = CipherSuiteOrder.CHACHA20_POLY1305_FIRST.apply(restricted);
        assertEquals(List.of(CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256), chaChaFirst.subList(0, 3));
        List<CipherSuite> aesFirst = CipherSuiteOrder.AES_GCM_FIRST.apply(restricted);
        assertEquals(List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384),
                aesFirst.subList(0, 2));
        assertEquals(Set.copyOf(restricted), Set.copyOf(chaChaFirst));
        assertEquals(Set.copyOf(restricted), Set.copyOf(aesFirst));
        assertEquals(restricted.size(), aesFirst.size());
        assertEquals(restricted.size(), chaChaFirst.size());
    }
}
