package dev.codebound.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Caps the connections one client address may hold open at once. The first handler of every
 * connection: a connection over the cap is closed as soon as it is accepted, before the TLS
 * handshake or any HTTP parsing costs anything. One instance is shared by all connections.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ConnectionLimiter.class.getName());
    /** Set on connections that were counted, so that only they are uncounted when they close. */
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf(ConnectionLimiter.class, "counted");

    private final int maxPerAddress;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxPerAddress) {
        if (maxPerAddress <= 0) {
            throw new IllegalArgumentException("maxPerAddress must be positive, got " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (!(remote instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            ctx.fireChannelActive();
            return;
        }
        InetAddress address = socket.getAddress();
        boolean[] admitted = new boolean[1];
        open.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < maxPerAddress;
            return admitted[0] ? current + 1 : count;
        });
        if (!admitted[0]) {
            LOG.log(System.Logger.Level.DEBUG, "refused a connection from {0}: it already holds {1} open",
                    address.getHostAddress(), maxPerAddress);
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(address);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
        }
        ctx.fireChannelInactive();
    }

    /** How many connections {@code address} holds open now (for tests and metrics). */
    public int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
