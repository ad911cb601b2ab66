package dev.codebound.server.faults;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestControl;
import dev.codebound.server.http.RequestHandler;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Starts the real handler only when a trigger says so (after a delay, after an upload was expired),
 * holding reads meanwhile and keeping the few body pieces already decoded until then, in order.
 */
final class DeferredStart implements RequestHandler {
    /** Arranges for {@code proceed} to run on the connection's event loop once the request may go on. */
    @FunctionalInterface
    interface Trigger {
        void arm(Exchange exchange, Runnable proceed);
    }

    private record Piece(ByteBuf content, boolean last) {}

    private final RequestHandler delegate;
    private final RequestControl control;
    private final Trigger trigger;
    private final ArrayDeque<Piece> held = new ArrayDeque<>();
    private boolean started;
    private boolean aborted;

    DeferredStart(RequestHandler delegate, RequestControl control, Trigger trigger) {
        this.delegate = delegate;
        this.control = control;
        this.trigger = trigger;
    }

    @Override
    public void onStart(Exchange exchange) {
        control.holdReading();
        trigger.arm(exchange, () -> proceed(exchange));
    }

    private void proceed(Exchange exchange) {
        if (aborted) {
            return;
        }
        started = true;
        delegate.onStart(exchange);
        while (!held.isEmpty()) {
            Piece piece = held.poll();
            delegate.onContent(exchange, piece.content(), piece.last());
        }
        control.releaseReading();
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        if (started) {
            delegate.onContent(exchange, content, last);
        } else {
            held.add(new Piece(content, last));
        }
    }

    @Override
    public void onAbort(Exchange exchange) {
        aborted = true;
        while (!held.isEmpty()) {
            held.poll().content().release();
        }
        if (started) {
            delegate.onAbort(exchange);
        }
    }
}
