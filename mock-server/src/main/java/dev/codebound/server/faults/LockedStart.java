package dev.codebound.server.faults;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.upload.TusService;
import dev.codebound.server.upload.UploadLocker;
import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * The {@code locked} action: holds the upload's lock while the real handler starts, as a competing
 * request would, so it answers its own 423. The tus handlers that lock (PATCH, DELETE) take the
 * lock synchronously in {@code onStart}, which is what makes holding it for just that call enough.
 */
final class LockedStart implements RequestHandler {
    private final RequestHandler delegate;
    private final TusService tus;

    LockedStart(RequestHandler delegate, TusService tus) {
        this.delegate = delegate;
        this.tus = tus;
    }

    @Override
    public void onStart(Exchange exchange) {
        Optional<UploadLocker.Lock> lock = tus.lockUpload(exchange.parameter("id"));
        try {
            delegate.onStart(exchange);
        } finally {
            lock.ifPresent(UploadLocker.Lock::close);
        }
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        delegate.onContent(exchange, content, last);
    }

    @Override
    public void onAbort(Exchange exchange) {
        delegate.onAbort(exchange);
    }
}
