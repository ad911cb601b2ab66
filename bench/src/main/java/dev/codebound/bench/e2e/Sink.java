package dev.codebound.bench.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling's server: a trivial Netty HTTP/1.1 sink on loopback that reads each request body,
 * discards it and answers 204. With TLS it uses the JDK's TLS, the registry's own server certificate
 * and requires a client certificate from the registry CA, as the mock registry does; no disk, no
 * tus, no registry logic. {@link #start(PrivateKey, X509Certificate, X509Certificate, int, SslProvider)}
 * picks another TLS engine and names the worker threads, for measuring what TLS costs the server.
 */
public final class Sink implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final boolean tls;
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    private Sink(EventLoopGroup boss, EventLoopGroup workers, Channel listener, boolean tls) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.tls = tls;
    }

    /** Starts on 127.0.0.1 with the JDK's TLS; {@code key} null means plain HTTP. */
    public static Sink start(PrivateKey key, X509Certificate certificate, X509Certificate clientCa, int threads)
            throws Exception {
        return start(key, certificate, clientCa, threads, SslProvider.JDK);
    }

    /**
     * Starts on 127.0.0.1 with {@code provider}'s TLS; {@code key} null means plain HTTP. The worker
     * threads are named {@code sink-<provider>-<n>} (see {@link #workerThreadPrefix}).
     */
    public static Sink start(PrivateKey key, X509Certificate certificate, X509Certificate clientCa, int threads,
            SslProvider provider) throws Exception {
        SslContext ssl = key == null ? null : SslContextBuilder.forServer(key, certificate)
                .sslProvider(provider).trustManager(clientCa).clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3", "TLSv1.2").build();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicLong workerCount = new AtomicLong();
        String prefix = workerThreadPrefix(provider);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(threads, runnable -> {
            Thread thread = new Thread(runnable, prefix + workerCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, NioIoHandler.newFactory());
        Sink[] self = new Sink[1];
        Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new Discard(self[0]));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        self[0] = new Sink(boss, workers, channel, ssl != null);
        return self[0];
    }

    /** The name prefix of the worker threads of a sink started with {@code provider}. */
    public static String workerThreadPrefix(SslProvider provider) {
        return "sink-" + provider.name().toLowerCase(Locale.ROOT) + "-";
    }

    public String baseUrl() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Discard extends SimpleChannelInboundHandler<HttpObject> {
        private final Sink sink;

        Discard(Sink sink) {
            this.sink = sink;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpContent content) {
                sink.bodyBytes.addAndGet(content.content().readableBytes());
            }
            if (msg instanceof LastHttpContent) {
                sink.requests.incrementAndGet();
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NO_CONTENT);
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
