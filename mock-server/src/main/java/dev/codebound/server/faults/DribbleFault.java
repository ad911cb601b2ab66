package dev.codebound.server.faults;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestControl;
import dev.codebound.server.http.RequestHandler;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dribble} action: passes the body to the real handler no faster than
 * {@code bytesPerSecond}, each piece once the time its bytes would take at that rate has passed,
 * and holds reads from the socket while pieces wait, so the client feels the slowness as TCP
 * backpressure. A body of B bytes thus takes at least B / rate seconds to be consumed.
 */
final class DribbleFault implements RequestHandler {
    private record Piece(ByteBuf content, boolean last) {}

    private final RequestHandler delegate;
    private final RequestControl control;
    private final long bytesPerSecond;
    private final ArrayDeque<Piece> waiting = new ArrayDeque<>();
    private long startNanos;
    private long passed;
    private boolean timerArmed;
    private boolean aborted;

    DribbleFault(RequestHandler delegate, RequestControl control, long bytesPerSecond) {
        this.delegate = delegate;
        this.control = control;
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public void onStart(Exchange exchange) {
        startNanos = System.nanoTime();
        delegate.onStart(exchange);
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        waiting.add(new Piece(content, last));
        control.holdReading();
        pump(exchange);
    }

    private void pump(Exchange exchange) {
        while (!aborted && !waiting.isEmpty()) {
            Piece next = waiting.peek();
            long due = startNanos + TimeUnit.SECONDS.toNanos(passed + next.content().readableBytes()) / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                if (!timerArmed) {
                    timerArmed = true;
                    control.schedule(() -> {
                        timerArmed = false;
                        pump(exchange);
                    }, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                }
                return;
            }
            waiting.poll();
            passed += next.content().readableBytes();
            delegate.onContent(exchange, next.content(), next.last());
        }
        if (!aborted) {
            control.releaseReading();
        }
    }

    @Override
    public void onAbort(Exchange exchange) {
        aborted = true;
        while (!waiting.isEmpty()) {
            waiting.poll().content().release();
        }
        delegate.onAbort(exchange);
    }
}
