package dev.codebound.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds each connection's pipeline, one job per handler:
 * {@code [tls] → http codec → expect-continue → client timeouts → dispatcher}. Bodies are never
 * aggregated: the codec yields pieces of at most {@link #MAX_CHUNK} bytes that the dispatcher
 * streams to the route's handler.
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
    private final Duration headerTimeout;
    private final Duration bodyIdleTimeout;
    private final RequestDecorator decorator;

    /** {@code tls} is null in plain mode; {@code decorator} wraps each request's handler (fault injection). */
    public ServerPipeline(SslContext tls, Router router, StationAuthenticator stations, AdminGuard admins,
            RequestListener listener, Clock clock, Duration headerTimeout, Duration bodyIdleTimeout,
            RequestDecorator decorator) {
        this.tls = tls;
        this.router = router;
        this.stations = stations;
        this.admins = admins;
        this.listener = listener;
        this.clock = clock;
        this.headerTimeout = headerTimeout;
        this.bodyIdleTimeout = bodyIdleTimeout;
        this.decorator = decorator;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        }
        pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK)));
        pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
        pipeline.addLast("timeouts", new ClientTimeouts(headerTimeout, bodyIdleTimeout));
        pipeline.addLast("dispatcher", new HttpDispatcher(router, stations, admins, listener, clock, decorator));
    }
}
