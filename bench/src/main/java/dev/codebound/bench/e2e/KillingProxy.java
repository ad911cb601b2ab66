package dev.codebound.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that resets a connection once the client-to-server bytes forwarded since
 * it was {@linkplain #killAfter armed} reach a threshold: the bytes up to the threshold pass, then
 * both sides see a TCP reset (SO_LINGER 0). It works below TLS, so neither end can tell it from a
 * real network failure.
 */
public final class KillingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong killAt = new AtomicLong(Long.MAX_VALUE);
    public final AtomicInteger kills = new AtomicInteger();
    private volatile boolean closed;

    public KillingProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "killing-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Resets the connection that carries the {@code bytes}-th client byte from now on (once). */
    public void killAfter(long bytes) {
        killAt.set(forwarded.get() + bytes);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                start(client, server, true);
                start(server, client, false);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private void start(Socket from, Socket to, boolean upstream) {
        Thread pump = new Thread(() -> pump(from, to, upstream), "killing-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        byte[] buffer = new byte[16 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (upstream) {
                    long before = forwarded.getAndAdd(n);
                    long mark = killAt.get();
                    if (before + n >= mark && killAt.compareAndSet(mark, Long.MAX_VALUE)) {
                        int pass = (int) Math.max(0, mark - before);
                        out.write(buffer, 0, pass);
                        out.flush();
                        kills.incrementAndGet();
                        reset(from);
                        reset(to);
                        return;
                    }
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the other direction closed or was reset: close both (try-with-resources)
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
