package dev.codebound.bench.micro;

import dev.codebound.protocol.pki.Providers;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;

/**
 * Which engine to use for each primitive a photo pays for, on this JDK and at this JIT tier: the
 * JDK's (SunEC for P-256, SunJCE and SUN for AES-GCM and SHA-256), Bouncy Castle's (P-256 only: its
 * bulk ciphers are plain Java and never chosen) and BoringSSL's through Conscrypt (what
 * {@link Providers#p256()} gives where it loads). Every engine is timed in alternating rounds in one
 * JVM, by thread CPU time (so a loaded machine inflates all alike), and the medians printed:
 * {@code java [-XX:TieredStopAtLevel=1] -cp codebound-bench.jar dev.codebound.bench.micro.EngineComparison
 * [ROUNDS]}; with {@code -XX:TieredStopAtLevel=1} it measures what the station's launcher runs. Keys
 * from any engine work with the others; the envelope's OpenSSL tests pin the formats.
 */
public final class EngineComparison {
    private static final int OPERATIONS_PER_ROUND = 300;
    private static final int BULK_BYTES = 32 * 1024;
    private static final List<String> OPERATIONS = List.of("sign", "verify", "ecdh", "keygen", "aes-gcm 32K",
            "sha-256 32K");
    private static long noncesUsed;

    /** An engine: its provider for each operation, or none where it does not offer or would not be used for it. */
    private record Engine(String name, Map<String, Provider> providers) {}

    private EngineComparison() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        if (!Conscrypt.isAvailable()) {
            throw new IllegalStateException("BoringSSL (Conscrypt) does not load on this machine");
        }
        Provider conscrypt = Conscrypt.newProvider();
        List<Engine> engines = List.of(
                engine("JDK", Security.getProvider("SunEC"), Security.getProvider("SunJCE"), Security.getProvider("SUN")),
                engine("Bouncy Castle", Providers.ellipticCurve(), null, null),
                engine("BoringSSL", conscrypt, conscrypt, conscrypt));
        // Bouncy Castle's keys, as the station and the registry hold them (read from PEM by Bouncy Castle):
        // the other engines' figures include translating them, as in production.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.ellipticCurve());
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Fixture fixture = new Fixture(generator.generateKeyPair(), generator.generateKeyPair(), new byte[256],
                new byte[BULK_BYTES]);
        double[][][] micros = new double[engines.size()][OPERATIONS.size()][rounds];
        for (int round = -2; round < rounds; round++) {
            for (int e = 0; e < engines.size(); e++) {
                for (int o = 0; o < OPERATIONS.size(); o++) {
                    Provider provider = engines.get(e).providers().get(OPERATIONS.get(o));
                    double cost = provider == null ? Double.NaN : time(provider, OPERATIONS.get(o), fixture);
                    if (round >= 0) {
                        micros[e][o][round] = cost;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "median of %d rounds of %d operations, thread CPU microseconds each%n", rounds,
                OPERATIONS_PER_ROUND);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-14s", "engine"));
        OPERATIONS.forEach(operation -> header.append(String.format(Locale.ROOT, " %12s", operation)));
        System.out.println(header);
        for (int e = 0; e < engines.size(); e++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s", engines.get(e).name()));
            for (int o = 0; o < OPERATIONS.size(); o++) {
                double median = median(micros[e][o]);
                line.append(Double.isNaN(median) ? String.format(Locale.ROOT, " %12s", "-")
                        : String.format(Locale.ROOT, " %12.0f", median));
            }
            System.out.println(line);
        }
    }

    private static Engine engine(String name, Provider ellipticCurve, Provider cipher, Provider digest) {
        Map<String, Provider> providers = new LinkedHashMap<>();
        for (String operation : OPERATIONS.subList(0, 4)) {
            providers.put(operation, ellipticCurve);
        }
        providers.put("aes-gcm 32K", cipher);
        providers.put("sha-256 32K", digest);
        return new Engine(name, providers);
    }

    /** What the operations work on: a signing key pair, an agreement peer, a message and a bulk buffer. */
    private record Fixture(KeyPair own, KeyPair peer, byte[] message, byte[] bulk) {}

    private static double time(Provider provider, String operation, Fixture fixture) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        byte[] signature = null;
        if (operation.equals("verify")) {
            Signature signer = Signature.getInstance("SHA256withECDSA", provider);
            signer.initSign(fixture.own().getPrivate());
            signer.update(fixture.message());
            signature = signer.sign();
        }
        KeyPairGenerator generator = null;
        if (operation.equals("keygen")) {
            generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        long before = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < OPERATIONS_PER_ROUND; i++) {
            switch (operation) {
                case "sign" -> {
                    Signature s = Signature.getInstance("SHA256withECDSA", provider);
                    s.initSign(fixture.own().getPrivate());
                    s.update(fixture.message());
                    s.sign();
                }
                case "verify" -> {
                    Signature s = Signature.getInstance("SHA256withECDSA", provider);
                    s.initVerify(fixture.own().getPublic());
                    s.update(fixture.message());
                    if (!s.verify(signature)) {
                        throw new IllegalStateException(provider.getName() + " refused a valid signature");
                    }
                }
                case "ecdh" -> {
                    KeyAgreement agreement = KeyAgreement.getInstance("ECDH", provider);
                    agreement.init(fixture.own().getPrivate());
                    agreement.doPhase(fixture.peer().getPublic(), true);
                    agreement.generateSecret();
                }
                case "keygen" -> generator.generateKeyPair();
                case "aes-gcm 32K" -> {
                    // A fresh nonce each time, as GCM requires under one key.
                    byte[] nonce = ByteBuffer.allocate(12).putLong(4, ++noncesUsed).array();
                    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
                    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                    cipher.doFinal(fixture.bulk());
                }
                case "sha-256 32K" -> MessageDigest.getInstance("SHA-256", provider).digest(fixture.bulk());
                default -> throw new IllegalArgumentException(operation);
            }
        }
        return (threads.getCurrentThreadCpuTime() - before) / 1e3 / OPERATIONS_PER_ROUND;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
