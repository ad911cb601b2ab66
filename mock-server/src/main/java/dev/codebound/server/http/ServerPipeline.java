package dev.codebound.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Clock;

/**
 * Builds each connection's pipeline, one job per handler:
 * {@code connection limit → [tls] → http codec → client timeouts → dispatcher}. Bodies are never
 * aggregated: the codec yields pieces of at most {@link #MAX_CHUNK} bytes that the dispatcher
 * streams to the route's handler. {@code 100 Continue} is the dispatcher's to send, once the
 * route's handler has checked the request head.
 */
public final class ServerPipeline extends ChannelInitializer<SocketChannel> {
    /** Limits of the request head; a longer one gets 431 (headers) or 400 (request line). */
    public static final int MAX_INITIAL_LINE = 8 * 1024;
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    /** The largest body piece the codec hands on. */
    public static final int MAX_CHUNK = 64 * 1024;

    private final SslContext tls;
    private final Router router;
    private final StationAuthenticator stations;
    private final AdminGuard admins;
    private final RequestListener listener;
    private final Clock clock;
    private final ClientLimits limits;
    private final ConnectionLimiter connectionLimiter;
    private final RequestDecorator decorator;

    /** {@code tls} is null in plain mode; {@code decorator} wraps each request's handler (fault injection). */
    public ServerPipeline(SslContext tls, Router router, StationAuthenticator stations, AdminGuard admins,
            RequestListener listener, Clock clock, ClientLimits limits, RequestDecorator decorator) {
        this.tls = tls;
        this.router = router;
        this.stations = stations;
        this.admins = admins;
        this.listener = listener;
        this.clock = clock;
        this.limits = limits;
        this.connectionLimiter = new ConnectionLimiter(limits.maxConnectionsPerAddress());
        this.decorator = decorator;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("connection-limit", connectionLimiter);
        if (tls != null) {
            SslHandler handler = tls.newHandler(channel.alloc());
            handler.setHandshakeTimeoutMillis(limits.headerTimeout().toMillis());
            pipeline.addLast("tls", handler);
        }
        pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK)));
        pipeline.addLast("timeouts", new ClientTimeouts(limits, tls != null));
        pipeline.addLast("dispatcher", new HttpDispatcher(router, stations, admins, listener, clock, decorator));
    }
}
