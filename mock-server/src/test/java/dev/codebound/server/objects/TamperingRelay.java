package dev.codebound.server.objects;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay on 127.0.0.1 in front of a server that flips one bit of the first request body it
 * carries, {@value #OFFSET} bytes after the end of the request's head: what a faulty network card
 * or a hostile hop between the registry and its object storage does. Later requests pass intact.
 */
final class TamperingRelay implements AutoCloseable {
    /** How far into the body the flipped byte is. */
    static final int OFFSET = 2000;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicBoolean tampered = new AtomicBoolean();
    private final List<Socket> sockets = new ArrayList<>();

    TamperingRelay(URI target) throws IOException {
        this.target = new InetSocketAddress(target.getHost(), target.getPort());
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tampering-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Whether a body byte has been flipped yet. */
    boolean tampered() {
        return tampered.get();
    }

    @Override
    public synchronized void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client.getInputStream(), server.getOutputStream(), true);
                pump(server.getInputStream(), client.getOutputStream(), false);
            }
        } catch (IOException closed) {
            // The relay was closed.
        }
    }

    private void pump(InputStream from, OutputStream to, boolean tamper) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            // How many bytes of "\r\n\r\n" ended the stream so far, and the body bytes seen since.
            int headEnd = 0;
            long bodySeen = -1;
            try {
                for (int read; (read = from.read(buffer)) >= 0; ) {
                    for (int i = 0; tamper && i < read && !tampered.get(); i++) {
                        if (bodySeen >= 0) {
                            if (++bodySeen == OFFSET && tampered.compareAndSet(false, true)) {
                                buffer[i] ^= 0x01;
                            }
                            continue;
                        }
                        byte b = buffer[i];
                        headEnd = (b == '\r' && headEnd % 2 == 0) || (b == '\n' && headEnd % 2 == 1) ? headEnd + 1
                                : (b == '\r' ? 1 : 0);
                        if (headEnd == 4) {
                            bodySeen = 0;
                        }
                    }
                    to.write(buffer, 0, read);
                    to.flush();
                }
            } catch (IOException closed) {
                // One side closed the connection.
            } finally {
                try {
                    to.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }, "tampering-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }
}
