package dev.codebound.agent.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off ({@code TCP_NODELAY}), under the station's TLS.
 *
 * <p>Why: OkHttp leaves the JDK's default (Nagle on), and an upload writes its request in more than
 * one piece (headers, then the body's TLS records) before it reads the answer. With Nagle on, the
 * last small segment waits until the registry acknowledges the earlier ones, and the registry's
 * kernel delays that acknowledgement (up to 40 ms on Linux) because it has nothing to send yet. Each
 * envelope then stalls for most of that wait: with four uploads at once over loopback the station
 * delivered 57 photos/s with Nagle on and 96 with it off, at the same CPU per photo
 * (docs/performance.md, "Nagle's algorithm"). Every write here is a whole request or a whole chunk,
 * so there is nothing for Nagle to coalesce.
 */
final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory sockets = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(sockets.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(sockets.createSocket(host, port, localAddress, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return noDelay(sockets.createSocket(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(sockets.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
