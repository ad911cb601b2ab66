package dev.codebound.server.faults;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The random draw behind probability triggers, a pure function of (seed, rule index, route, n):
 * the first 53 bits of {@code SHA-256("codebound-fault-v1" || seed || rule || len(route) || route
 * || n)} as a number in [0, 1). Integers are big-endian (seed and n 8 bytes, rule and the length 4),
 * the route its UTF-8 name. Being stateless, a draw cannot depend on thread timing or on other
 * routes' traffic, and anyone can recompute a schedule offline.
 */
final class FaultDraw {
    private static final byte[] DOMAIN = "codebound-fault-v1".getBytes(StandardCharsets.US_ASCII);

    private FaultDraw() {}

    /** The draw for the {@code n}-th request that rule {@code rule} watches on {@code route}. */
    static double uniform(long seed, int rule, String route, long n) {
        byte[] name = route.getBytes(StandardCharsets.UTF_8);
        ByteBuffer input = ByteBuffer.allocate(DOMAIN.length + 8 + 4 + 4 + name.length + 8)
                .put(DOMAIN).putLong(seed).putInt(rule).putInt(name.length).put(name).putLong(n);
        byte[] hash = sha256().digest(input.array());
        return (ByteBuffer.wrap(hash).getLong() >>> 11) * 0x1.0p-53;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
