package dev.codebound.protocol.pki;

import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;

/**
 * The JCA providers Codebound uses, chosen per primitive.
 *
 * <p>P-256 ECDSA and ECDH, the public-key operations every photo pays for several times (the
 * station's signature, the registry's key agreement, the receipt's and checkpoint's signatures and
 * their checks), run in BoringSSL through Conscrypt where its native library loads: 5&ndash;20 times
 * less CPU than the fastest Java implementation, whatever the JIT tier (the station's launcher runs
 * only the first), and constant-time by construction. Elsewhere, or when an operator asks for it,
 * they run in Bouncy Castle, 2&ndash;6 times faster than the JDK's SunEC. Both give the same bytes
 * on the wire: a signature made by one verifies with the other.
 *
 * <p>The same engine runs bulk AES and SHA-256 ({@link #bulkCipher()}): BoringSSL's use the CPU's
 * instructions from the first call, the JDK's only once its optimizing compiler has got to them.
 * Bouncy Castle also handles X.509, CMS structures, PEM files and the SM2 suite, which Conscrypt
 * does not offer. We pass provider
 * objects explicitly instead of registering any of them globally, which would also change what
 * unrelated code gets.
 *
 * <p>The engine is chosen once per process by the system property {@value #ENGINE_PROPERTY}:
 * {@code auto} (the default: native where it loads), {@code native} (fail at first use where it does
 * not) or {@code java} (Bouncy Castle for P-256, the JDK for AES and SHA-256). The native library is
 * unpacked where no other user can replace it before it is loaded ({@link BoringSsl}).
 */
public final class Providers {
    /** The system property that chooses the engine for P-256: {@code auto}, {@code native} or {@code java}. */
    public static final String ENGINE_PROPERTY = "codebound.crypto";

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final Provider SUN_JCE = jdkProvider("SunJCE");
    private static final Provider SUN = jdkProvider("SUN");

    private Providers() {}

    /** The provider for X.509, CMS structure handling, PEM files, and the SM2 suite's key generation and signatures. */
    public static Provider ellipticCurve() {
        return BOUNCY_CASTLE;
    }

    /**
     * The provider for P-256 key generation, ECDSA ({@code SHA256withECDSA}, DER signatures) and raw
     * ECDH ({@code ECDH}): BoringSSL's (Conscrypt) or Bouncy Castle's, as {@link #describeEngine()} says.
     * It accepts keys from either.
     *
     * @throws PkiException if {@value #ENGINE_PROPERTY} is {@code native} and BoringSSL cannot be loaded,
     *                      or if the property has a value other than the three allowed
     */
    public static Provider p256() {
        if (P256.CHOICE.refusal() != null) {
            throw new PkiException(P256.CHOICE.refusal());
        }
        return P256.CHOICE.provider();
    }

    /**
     * The provider for ECDSA or ECDH with {@code key}: {@link #p256()} for a P-256 key, Bouncy Castle
     * for a key on any other curve (an SM2 key's pair check, a test's forgery), which it alone knows.
     */
    public static Provider forCurveOf(Key key) {
        return KeyPairs.isP256Key(key) ? p256() : BOUNCY_CASTLE;
    }

    /** Whether P-256 runs in BoringSSL in this process (false: in Bouncy Castle). */
    public static boolean isP256Native() {
        return p256() != BOUNCY_CASTLE;
    }

    /**
     * The provider for a TLS client's {@code SSLContext} and {@code TrustManagerFactory}: BoringSSL's
     * where P-256 runs there (its record encryption and handshake keep the CPU's instructions at every
     * JIT tier), else empty for the JDK's. The two go together: BoringSSL names TLS 1.3's
     * authentication {@code GENERIC} to the trust manager, which the JDK's refuses.
     */
    public static Optional<Provider> tls() {
        return isP256Native() ? Optional.of(p256()) : Optional.empty();
    }

    /**
     * Which engine runs P-256, bulk AES and SHA-256 in this process, for status lines and benchmark
     * reports: {@code "BoringSSL (Conscrypt 2.6.0)"}, say, or Bouncy Castle's with why BoringSSL was
     * not loaded when it was not asked for.
     *
     * @throws PkiException as {@link #p256()} does
     */
    public static String describeEngine() {
        if (isP256Native()) {
            return "BoringSSL (Conscrypt " + conscryptVersion() + ")";
        }
        String java = "Bouncy Castle " + BOUNCY_CASTLE.getVersionStr() + " and the JDK";
        return P256.CHOICE.fallback() == null ? java : java + "; BoringSSL not loaded: " + P256.CHOICE.fallback();
    }

    /**
     * The provider for AES (ECB, CTR, GCM) over data held in memory or streamed in pieces of at most a
     * few hundred KiB: BoringSSL's where P-256 runs there, else the JDK's. Both use the CPU's AES and
     * carry-less multiplication instructions, but the JDK's only once its optimizing compiler has
     * compiled them (about 40 times slower before, and at the station launcher's first tier for ever),
     * BoringSSL's from the first call. BoringSSL's GCM holds its whole input until {@code doFinal}:
     * for content of unbounded length use {@link #streamingCipher()}.
     */
    public static Provider bulkCipher() {
        return isP256Native() ? p256() : SUN_JCE;
    }

    /** The provider for AES-GCM over content of any length, which it encrypts as it streams: the JDK's. */
    public static Provider streamingCipher() {
        return SUN_JCE;
    }

    /** The provider for bulk SHA-256: BoringSSL's where P-256 runs there, else the JDK's, for the same reason as {@link #bulkCipher()}. */
    public static Provider bulkDigest() {
        return isP256Native() ? p256() : SUN;
    }

    /** A new SHA-256 for whole envelopes and photos, from {@link #bulkDigest()}. */
    public static MessageDigest bulkSha256() {
        try {
            return MessageDigest.getInstance("SHA-256", bulkDigest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in " + bulkDigest().getName(), e);
        }
    }

    private static String conscryptVersion() {
        Conscrypt.Version version = Conscrypt.version();
        return version == null ? "unknown version" : version.major() + "." + version.minor() + "." + version.patch();
    }

    /**
     * The provider, or why the engine asked for cannot be had (one of the two is null), and, where
     * {@code auto} fell back to Bouncy Castle, why BoringSSL was not loaded.
     */
    record Choice(Provider provider, String refusal, String fallback) {}

    /** What {@value #ENGINE_PROPERTY}{@code =engine} gives on this machine. */
    static Choice choose(String engine) {
        switch (engine.trim().toLowerCase(Locale.ROOT)) {
            case "java":
                return new Choice(BOUNCY_CASTLE, null, null);
            case "native": {
                BoringSsl.Loaded boringSsl = BoringSsl.load();
                return boringSsl.provider() != null ? new Choice(boringSsl.provider(), null, null)
                        : new Choice(null, "-D" + ENGINE_PROPERTY + "=native: BoringSSL (Conscrypt) cannot be loaded"
                                + " on this machine (" + boringSsl.whyNot() + "); use auto or java", null);
            }
            case "auto": {
                BoringSsl.Loaded boringSsl = BoringSsl.load();
                return boringSsl.provider() != null ? new Choice(boringSsl.provider(), null, null)
                        : new Choice(BOUNCY_CASTLE, null, boringSsl.whyNot());
            }
            default:
                return new Choice(null, "-D" + ENGINE_PROPERTY + "=" + engine + " is not an engine for P-256;"
                        + " use auto, native or java", null);
        }
    }

    /** Chosen on first use, so that a process that never touches P-256 never loads the native library. */
    private static final class P256 {
        static final Choice CHOICE = choose(System.getProperty(ENGINE_PROPERTY, "auto"));
    }

    private static Provider jdkProvider(String name) {
        Provider provider = Security.getProvider(name);
        if (provider == null) {
            throw new IllegalStateException("the JDK's " + name + " provider is not installed");
        }
        return provider;
    }

}
