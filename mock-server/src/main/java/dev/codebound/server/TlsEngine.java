package dev.codebound.server;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation the registry's connections use. Both speak the same TLS 1.3 with the
 * same certificates and checks; they differ in cost: the JDK's {@code SSLEngine} spent about 2 ms
 * of CPU per uploaded photo in the registry's profiles (issue 10), BoringSSL (through Netty's
 * tcnative, bundled for Linux x86_64) a fraction of that.
 */
public enum TlsEngine {
    /** BoringSSL where its native library loads on this machine, else the JDK's TLS (the default). */
    AUTO,
    /** BoringSSL; the registry refuses to start if its native library cannot be loaded here. */
    OPENSSL,
    /** The JDK's own TLS, always available. */
    JDK;

    /**
     * The Netty provider this choice means on this machine.
     *
     * @throws IllegalArgumentException for {@link #OPENSSL} when BoringSSL cannot be loaded, naming why
     */
    public SslProvider provider() {
        return switch (this) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalArgumentException("--tls-engine openssl: BoringSSL cannot be loaded on this machine ("
                            + OpenSsl.unavailabilityCause() + "); use --tls-engine jdk or auto");
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    /** How the banner names the engine in use. */
    public static String describe(SslProvider provider) {
        return provider == SslProvider.JDK ? "the JDK's TLS" : "BoringSSL " + OpenSsl.versionString();
    }
}
