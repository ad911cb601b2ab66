package dev.codebound.bench.micro;

import dev.codebound.protocol.pki.Providers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.crypto.KeyAgreement;

/**
 * Which provider to use for P-256 on this JDK: Bouncy Castle (what {@link Providers#ellipticCurve()}
 * gives) or the JDK's SunEC, for ECDSA signing and verification, ECDH and key generation. The two are
 * timed in alternating rounds in one JVM, by thread CPU time (so a loaded machine inflates both
 * alike), and the medians printed: {@code java -cp codebound-bench.jar
 * dev.codebound.bench.micro.EcProviderComparison [ROUNDS]}. Keys from either provider interoperate;
 * the envelope's OpenSSL tests pin the formats.
 */
public final class EcProviderComparison {
    private static final int OPERATIONS_PER_ROUND = 300;
    private static final String[] OPERATIONS = {"sign", "verify", "ecdh", "keygen"};

    private EcProviderComparison() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Provider[] providers = {Providers.ellipticCurve(), Security.getProvider("SunEC")};
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Security.getProvider("SunEC"));
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair own = generator.generateKeyPair();
        KeyPair peer = generator.generateKeyPair();
        byte[] message = new byte[256];
        List<List<double[]>> micros = new ArrayList<>();
        for (Provider ignored : providers) {
            List<double[]> perOperation = new ArrayList<>();
            for (String ignoredOperation : OPERATIONS) {
                perOperation.add(new double[rounds]);
            }
            micros.add(perOperation);
        }
        for (int warmup = 0; warmup < 2; warmup++) {
            for (Provider provider : providers) {
                for (String operation : OPERATIONS) {
                    time(provider, operation, own, peer, message);
                }
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int p = 0; p < providers.length; p++) {
                for (int o = 0; o < OPERATIONS.length; o++) {
                    micros.get(p).get(o)[round] = time(providers[p], OPERATIONS[o], own, peer, message);
                }
            }
        }
        System.out.printf(Locale.ROOT, "P-256, median of %d rounds of %d operations, thread CPU microseconds each%n",
                rounds, OPERATIONS_PER_ROUND);
        for (int p = 0; p < providers.length; p++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s", providers[p].getName()));
            for (int o = 0; o < OPERATIONS.length; o++) {
                line.append(String.format(Locale.ROOT, "  %s %7.0f", OPERATIONS[o], median(micros.get(p).get(o))));
            }
            System.out.println(line);
        }
    }

    private static double time(Provider provider, String operation, KeyPair own, KeyPair peer, byte[] message)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Signature signer = Signature.getInstance("SHA256withECDSA", provider);
        signer.initSign(own.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        long before = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < OPERATIONS_PER_ROUND; i++) {
            switch (operation) {
                case "sign" -> {
                    Signature s = Signature.getInstance("SHA256withECDSA", provider);
                    s.initSign(own.getPrivate());
                    s.update(message);
                    s.sign();
                }
                case "verify" -> {
                    Signature s = Signature.getInstance("SHA256withECDSA", provider);
                    s.initVerify(own.getPublic());
                    s.update(message);
                    if (!s.verify(signature)) {
                        throw new IllegalStateException(provider.getName() + " refused a valid signature");
                    }
                }
                case "ecdh" -> {
                    KeyAgreement agreement = KeyAgreement.getInstance("ECDH", provider);
                    agreement.init(own.getPrivate());
                    agreement.doPhase(peer.getPublic(), true);
                    agreement.generateSecret();
                }
                case "keygen" -> generator.generateKeyPair();
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
