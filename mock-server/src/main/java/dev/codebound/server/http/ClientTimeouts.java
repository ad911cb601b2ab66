package dev.codebound.server.http;

import dev.codebound.server.problem.ProblemType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts clients that are too slow, so that a slowloris cannot hold connections (and upload locks)
 * for long. The limits are {@link ClientLimits}:
 * <ul>
 * <li><b>header timeout</b>: a request's whole head must arrive within this time of the TLS
 * handshake's end (plain mode: of the connection opening) or of the previous answer; an idle
 * keep-alive connection is closed after the same time. The handshake has its own timeout of the
 * same length, set on the TLS handler; a late head is simply closed, there being no request to
 * answer;</li>
 * <li><b>body limits</b>: while a body is arriving, no silence longer than the body idle timeout;
 * at least the minimum body rate, averaged over each rate window (so a byte every few seconds
 * no longer keeps a request alive); and no longer than the body deadline in all. Time while the
 * server itself has paused reading (backpressure) or is working on a complete request does not
 * count. A body that breaks a limit is not closed here: a {@link BodyTimeout} event goes down the
 * pipeline so that the {@link HttpDispatcher} can release what the request holds and answer
 * {@code 408}; the connection is closed anyway shortly after, in case that answer cannot be
 * written.</li>
 * </ul>
 */
public final class ClientTimeouts extends ChannelInboundHandlerAdapter {
    /** What the connection is waiting for; set by the {@link HttpDispatcher}. */
    public enum Phase { AWAITING_REQUEST, READING_BODY, PROCESSING }

    /**
     * A request body broke one of the limits: answer 408 and close.
     *
     * @param type   which limit it broke ({@code BODY_STALLED}, {@code BODY_TOO_SLOW} or
     *               {@code BODY_DEADLINE_EXCEEDED})
     * @param detail what the client did wrong, for the problem's detail
     */
    public record BodyTimeout(ProblemType type, String detail) {}

    /** The phase and when it began. */
    private record Marker(Phase phase, long since) {}

    private static final AttributeKey<Marker> PHASE = AttributeKey.valueOf(ClientTimeouts.class, "phase");
    /** How long the 408 may take to go out before the connection is closed regardless. */
    private static final long ANSWER_GRACE_MILLIS = 2_000;

    private final ClientLimits limits;
    private final boolean startAfterTlsHandshake;
    private final long headerTimeoutNanos;
    private final long bodyIdleNanos;
    private final long rateWindowNanos;
    private final long bodyDeadlineNanos;
    private long lastActivity;
    private long lastCheck;
    /** Client time spent on the current body, and the current rate window's time and bytes. */
    private long bodyNanos;
    private long windowNanos;
    private long windowBytes;
    private ScheduledFuture<?> ticker;

    /**
     * @param startAfterTlsHandshake true when a TLS handler precedes this one: the header timeout
     *                               then starts when the handshake succeeds
     */
    public ClientTimeouts(ClientLimits limits, boolean startAfterTlsHandshake) {
        this.limits = limits;
        this.startAfterTlsHandshake = startAfterTlsHandshake;
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.bodyIdleNanos = limits.bodyIdleTimeout().toNanos();
        this.rateWindowNanos = limits.bodyRateWindow().toNanos();
        this.bodyDeadlineNanos = limits.bodyDeadline().toNanos();
    }

    /** Records what {@code channel} now waits for. */
    public static void enter(Channel channel, Phase phase) {
        channel.attr(PHASE).set(new Marker(phase, System.nanoTime()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!startAfterTlsHandshake && ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!startAfterTlsHandshake) {
            start(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
            start(ctx);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        if (msg instanceof HttpRequest) {
            bodyNanos = 0;
            windowNanos = 0;
            windowBytes = 0;
        }
        if (msg instanceof HttpContent content) {
            windowBytes += content.content().readableBytes();
        }
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
        lastCheck = lastActivity;
        enter(ctx.channel(), Phase.AWAITING_REQUEST);
        long shortest = Math.min(Math.min(headerTimeoutNanos, bodyIdleNanos), Math.min(rateWindowNanos,
                bodyDeadlineNanos));
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), shortest / 4);
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
        long elapsed = now - lastCheck;
        lastCheck = now;
        Marker marker = ctx.channel().attr(PHASE).get();
        Phase phase = marker.phase();
        lastActivity = Math.max(lastActivity, marker.since());
        boolean pausedByServer = !ctx.channel().config().isAutoRead();
        if (phase == Phase.PROCESSING || (phase == Phase.READING_BODY && pausedByServer)) {
            lastActivity = now;
            return;
        }
        if (phase == Phase.AWAITING_REQUEST) {
            if (now - marker.since() > headerTimeoutNanos) {
                stop();
                ctx.close();
            }
            return;
        }
        bodyNanos += elapsed;
        windowNanos += elapsed;
        if (now - lastActivity > bodyIdleNanos) {
            timeOut(ctx, new BodyTimeout(ProblemType.BODY_STALLED, "no body byte arrived for "
                    + limits.bodyIdleTimeout().toMillis() + " ms"));
        } else if (bodyNanos > bodyDeadlineNanos) {
            timeOut(ctx, new BodyTimeout(ProblemType.BODY_DEADLINE_EXCEEDED, "the body took longer than "
                    + limits.bodyDeadline().toSeconds() + " s in all; send large uploads in several PATCH requests"));
        } else if (windowNanos >= rateWindowNanos) {
            if (windowBytes * 1_000_000_000.0 < limits.minBodyRate() * (double) windowNanos) {
                timeOut(ctx, new BodyTimeout(ProblemType.BODY_TOO_SLOW, "the body arrived at " + windowBytes
                        + " bytes in "
                        + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms, below the minimum of "
                        + limits.minBodyRate() + " bytes per second"));
            } else {
                windowNanos = 0;
                windowBytes = 0;
            }
        }
    }

    private void timeOut(ChannelHandlerContext ctx, BodyTimeout timeout) {
        stop();
        ctx.fireUserEventTriggered(timeout);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
