package dev.codebound.server.faults;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestControl;
import dev.codebound.server.http.RequestHandler;
import io.netty.buffer.ByteBuf;

/**
 * The {@code reset} action: passes the first {@code afterBytes} of the body to the real handler,
 * then resets the connection. The end of the body is never passed on, so the real handler sees a
 * broken upload and discards the partial chunk, exactly as when a server dies mid-body.
 */
final class ResetFault implements RequestHandler {
    private final RequestHandler delegate;
    private final RequestControl control;
    private final long afterBytes;
    private long passed;
    private boolean started;
    private boolean reset;

    ResetFault(RequestHandler delegate, RequestControl control, long afterBytes) {
        this.delegate = delegate;
        this.control = control;
        this.afterBytes = afterBytes;
    }

    @Override
    public void onStart(Exchange exchange) {
        if (afterBytes == 0 || !RequestBody.present(exchange.headers())) {
            reset();
            return;
        }
        started = true;
        delegate.onStart(exchange);
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        if (reset) {
            content.release();
            return;
        }
        long room = afterBytes - passed;
        int size = content.readableBytes();
        if (size < room && !last) {
            passed += size;
            delegate.onContent(exchange, content, false);
            return;
        }
        int take = (int) Math.min(size, room);
        ByteBuf head = take == size ? content : content.readRetainedSlice(take);
        if (head != content) {
            content.release();
        }
        passed += take;
        delegate.onContent(exchange, head, false);
        reset();
    }

    private void reset() {
        reset = true;
        control.reset();
    }

    @Override
    public void onAbort(Exchange exchange) {
        if (started) {
            delegate.onAbort(exchange);
        }
    }
}
