package dev.codebound.agent.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link SSLSocketFactory} whose sockets offer the ChaCha20-Poly1305 cipher suites first and
 * every other suite the JDK enables after them, in the JDK's order. The server chooses; one that
 * honours the client's preference (the mock registry's BoringSSL does) picks ChaCha20-Poly1305, one
 * that prefers AES-GCM still gets it. OkHttp keeps the socket's order when it applies its
 * connection spec, so the spec still decides which suites are allowed at all.
 *
 * <p>Why: the agent is a short-lived JVM, which the launcher runs with the first JIT tier only, and
 * there the JDK's AES and GHASH run as plain Java, without the AES-NI and carry-less-multiply
 * intrinsics of the optimizing tier. Encrypting a 33 KB envelope costs 0.7-0.8 ms of CPU with
 * AES-GCM and 0.17-0.2 ms with ChaCha20-Poly1305 there (0.4 and 0.12 ms even with both tiers):
 * the largest single item in the upload workers' profile (docs/performance.md). Both are AEAD
 * suites of TLS 1.3 with the same security claims; nothing weaker is offered.
 */
final class ChaChaFirstSocketFactory extends SSLSocketFactory {
    private static final List<String> CHACHA20_POLY1305 = List.of("TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final SSLSocketFactory delegate;

    ChaChaFirstSocketFactory(SSLSocketFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@code enabled} with the ChaCha20-Poly1305 suites among them moved to the front. */
    static String[] chaChaFirst(String[] enabled) {
        List<String> ordered = new ArrayList<>(enabled.length);
        for (String suite : CHACHA20_POLY1305) {
            if (Arrays.asList(enabled).contains(suite)) {
                ordered.add(suite);
            }
        }
        for (String suite : enabled) {
            if (!CHACHA20_POLY1305.contains(suite)) {
                ordered.add(suite);
            }
        }
        return ordered.toArray(String[]::new);
    }

    private static Socket preferChaCha(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            ssl.setEnabledCipherSuites(chaChaFirst(ssl.getEnabledCipherSuites()));
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return chaChaFirst(delegate.getDefaultCipherSuites());
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return preferChaCha(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return preferChaCha(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return preferChaCha(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return preferChaCha(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return preferChaCha(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return preferChaCha(delegate.createSocket(address, port, localAddress, localPort));
    }
}
