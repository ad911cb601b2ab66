package dev.codebound.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections of clients that are too slow, so that a slowloris cannot hold connections
 * (and upload locks) forever. Two limits:
 * <ul>
 * <li><b>header timeout</b>: a request's whole head (request line and headers) must arrive within
 * this time of the connection opening or of the previous response; an idle keep-alive connection
 * is closed after the same time;</li>
 * <li><b>body idle timeout</b>: while a body is being received, no more than this time may pass
 * without a single byte. Time while the server itself has paused reading (backpressure) or is
 * working on a complete request does not count.</li>
 * </ul>
 * The connection is simply closed; an unfinished chunk is discarded like any broken upload.
 */
public final class ClientTimeouts extends ChannelInboundHandlerAdapter {
    /** What the connection is waiting for; set by the {@link HttpDispatcher}. */
    public enum Phase { AWAITING_REQUEST, READING_BODY, PROCESSING }

    /** The phase and when it began. */
    private record Marker(Phase phase, long since) {}

    private static final AttributeKey<Marker> PHASE = AttributeKey.valueOf(ClientTimeouts.class, "phase");

    private final long headerTimeoutNanos;
    private final long bodyIdleNanos;
    private long lastActivity;
    private ScheduledFuture<?> ticker;

    public ClientTimeouts(Duration headerTimeout, Duration bodyIdleTimeout) {
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.bodyIdleNanos = bodyIdleTimeout.toNanos();
    }

    /** Records what {@code channel} now waits for. */
    public static void enter(Channel channel, Phase phase) {
        channel.attr(PHASE).set(new Marker(phase, System.nanoTime()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void start(ChannelHandlerContext ctx) {
        if (ticker != null) {
            return;
        }
        lastActivity = System.nanoTime();
        enter(ctx.channel(), Phase.AWAITING_REQUEST);
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(headerTimeoutNanos, bodyIdleNanos) / 4);
        ticker = ctx.executor().scheduleAtFixedRate(() -> check(ctx), tick, tick, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        Marker marker = ctx.channel().attr(PHASE).get();
        Phase phase = marker.phase();
        lastActivity = Math.max(lastActivity, marker.since());
        boolean pausedByServer = !ctx.channel().config().isAutoRead();
        if (phase == Phase.PROCESSING || (phase == Phase.READING_BODY && pausedByServer)) {
            lastActivity = now;
            return;
        }
        boolean tooSlow = phase == Phase.AWAITING_REQUEST ? now - marker.since() > headerTimeoutNanos
                : now - lastActivity > bodyIdleNanos;
        if (tooSlow) {
            stop();
            ctx.close();
        }
    }
}
