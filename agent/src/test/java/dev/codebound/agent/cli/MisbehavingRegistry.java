package dev.codebound.agent.cli;

import dev.codebound.protocol.pki.PemFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A hostile registry on loopback: it holds the real mock registry's TLS key and certificate (from
 * the pinned CA), so the station's TLS accepts it, then answers every request with a body that
 * never ends or that drips, or with 503. Streams the bytes it sends, so that the test itself stays small.
 */
final class MisbehavingRegistry implements AutoCloseable {
    /** How the answer misbehaves. */
    enum Mode {
        /** 200 with a declared length of 100,000 bytes, sent one byte every 200 ms. */
        DRIP,
        /** 200 without a length, then bytes until the station hangs up. */
        ENDLESS,
        /** 503 at once, to every request: reachable, but never accepting anything. */
        UNAVAILABLE
    }

    private final ServerSocket server;
    private final Mode mode;
    private final Thread acceptor;

    private MisbehavingRegistry(ServerSocket server, Mode mode) {
        this.server = server;
        this.mode = mode;
        this.acceptor = new Thread(this::acceptAll, "misbehaving-registry");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on 127.0.0.1 with the TLS identity of the mock registry whose keys are under {@code keysDir}. */
    static MisbehavingRegistry start(Path keysDir, Mode mode) throws IOException, GeneralSecurityException {
        PrivateKey key = PemFiles.readPrivateKey(keysDir.resolve("tls-server.key.pem"), null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Certificate certificate = factory.generateCertificate(new ByteArrayInputStream(
                PemFiles.readCertificates(keysDir.resolve("tls-server.cert.pem")).get(0).getEncoded()));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("tls", jdkKey(key), new char[0], new X509Certificate[] {(X509Certificate) certificate});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        ServerSocket server = context.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        return new MisbehavingRegistry(server, mode);
    }

    /** {@code https://127.0.0.1:<port>}. */
    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread answer = new Thread(() -> answer(socket), "misbehaving-answer");
                answer.setDaemon(true);
                answer.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            skipRequestHead(in);
            if (mode == Mode.UNAVAILABLE) {
                out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } else if (mode == Mode.DRIP) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100_000; i++) {
                    out.write('{');
                    out.flush();
                    Thread.sleep(200);
                }
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                while (true) {
                    out.write(block);
                }
            }
        } catch (IOException e) {
            // The station hung up: the point of the exercise.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b != -1; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }

    private static PrivateKey jdkKey(PrivateKey key) throws GeneralSecurityException {
        String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
        return java.security.KeyFactory.getInstance(algorithm).generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
