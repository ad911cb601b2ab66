package dev.codebound.protocol.pki;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JCA providers Codebound uses, chosen per primitive.
 *
 * <p>Bouncy Castle's elliptic-curve code (ECDSA, ECDH, key generation) is several times faster than
 * the JDK's, while the JDK's AES-GCM and SHA-256 use CPU intrinsics and are 20&ndash;40 times faster
 * than Bouncy Castle's pure-Java versions. We therefore pass provider objects explicitly instead of
 * registering Bouncy Castle globally, which would also change what unrelated code gets.
 */
public final class Providers {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private Providers() {}

    /** The provider for EC key generation, ECDSA, ECDH, X.509 and CMS structure handling. */
    public static Provider ellipticCurve() {
        return BOUNCY_CASTLE;
    }

    /** The provider name for bulk ciphers and digests: the JDK's, which uses CPU intrinsics. */
    public static String bulkCipher() {
        return "SunJCE";
    }

    /** The provider name for bulk message digests: the JDK's SUN provider. */
    public static String bulkDigest() {
        return "SUN";
    }
}
