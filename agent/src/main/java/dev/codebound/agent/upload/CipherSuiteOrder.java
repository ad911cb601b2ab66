package dev.codebound.agent.upload;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.codebound.protocol.pki.Providers;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.CipherSuite;

/**
 * The order in which the station offers TLS's AEAD cipher suites, chosen for the JIT this JVM runs.
 * The registry honours the client's order (the mock registry's BoringSSL does), so the first suite
 * offered is the one used for every envelope's bytes.
 *
 * <p>The JDK's AES-GCM is fast only through the optimizing JIT tier's intrinsics (AES-NI and
 * carry-less multiply); without them it runs as plain Java. Per 32 KiB of TLS records on this
 * project's machine, warm, thread CPU: AES-GCM 50-60 µs with both JIT tiers, 820 µs with the first
 * tier only; ChaCha20-Poly1305, which has no intrinsic, 120 and 190 µs (docs/performance.md,
 * "The station's upload in one running process"). So AES-GCM comes first when the optimizing tier
 * and its AES intrinsics are on, and ChaCha20-Poly1305 first otherwise: the installation's launcher
 * runs the first tier only, a CPU without AES-NI has no intrinsic, and a JVM whose flags cannot be
 * read is taken to have none. Both are TLS 1.3 AEAD suites with the same security claims; every
 * suite of the connection spec stays offered, only the order changes.
 */
enum CipherSuiteOrder {
    /** AES-GCM as the JDK orders it, then ChaCha20-Poly1305: the optimizing tier's intrinsics make AES cheapest. */
    AES_GCM_FIRST,
    /** ChaCha20-Poly1305 first, then AES-GCM: no AES intrinsics in this JVM. */
    CHACHA20_POLY1305_FIRST;

    /**
     * The order for this process: AES-GCM first where BoringSSL runs TLS ({@link Providers#isP256Native()}),
     * whose AES uses the CPU's instructions at every JIT tier (and which, on a CPU without them, puts
     * ChaCha20-Poly1305 first in TLS 1.3 itself); else from the JDK's HotSpot flags.
     */
    static CipherSuiteOrder forThisJvm() {
        if (Providers.isP256Native()) {
            return AES_GCM_FIRST;
        }
        HotSpotDiagnosticMXBean hotSpot;
        try {
            hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return CHACHA20_POLY1305_FIRST;
        }
        return forFlags(name -> {
            try {
                return Optional.of(hotSpot.getVMOption(name).getValue());
            } catch (IllegalArgumentException unknown) {
                return Optional.empty();
            }
        });
    }

    /**
     * The order for a JVM whose flags {@code flag} gives by name (empty when the JVM has no such flag):
     * AES-GCM first only when the optimizing tier runs ({@code TieredStopAtLevel} 4, or tiered
     * compilation off, which leaves C2 alone) and {@code UseAESIntrinsics} and {@code UseAESCTRIntrinsics}
     * are on.
     */
    static CipherSuiteOrder forFlags(Function<String, Optional<String>> flag) {
        boolean tiered = !flag.apply("TieredCompilation").orElse("true").equals("false");
        boolean optimizing = !tiered || flag.apply("TieredStopAtLevel").map("4"::equals).orElse(false);
        boolean aesIntrinsics = flag.apply("UseAESIntrinsics").map("true"::equals).orElse(false)
                && flag.apply("UseAESCTRIntrinsics").map("true"::equals).orElse(false);
        return optimizing && aesIntrinsics ? AES_GCM_FIRST : CHACHA20_POLY1305_FIRST;
    }

    /** {@code suites} in this order: the preferred cipher's suites first, each group in its given order. */
    List<CipherSuite> apply(List<CipherSuite> suites) {
        List<CipherSuite> preferred = new ArrayList<>();
        List<CipherSuite> others = new ArrayList<>();
        for (CipherSuite suite : suites) {
            boolean chaCha = suite.javaName().contains("CHACHA20_POLY1305");
            (chaCha == (this == CHACHA20_POLY1305_FIRST) ? preferred : others).add(suite);
        }
        preferred.addAll(others);
        return preferred;
    }
}
