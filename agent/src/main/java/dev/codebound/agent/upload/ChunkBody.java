package dev.codebound.agent.upload;

import dev.codebound.protocol.wire.Tus;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.LongConsumer;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * One chunk of an envelope as a tus request body. Written in small slices so that the rate limiter
 * paces the wire and progress moves smoothly; one-shot, so that OkHttp never silently re-sends it
 * (the uploader decides what to re-send, after asking the server).
 */
final class ChunkBody extends RequestBody {
    private static final MediaType OFFSET_STREAM = MediaType.get(Tus.OFFSET_CONTENT_TYPE);
    private static final int SLICE = 16 * 1024;

    private final byte[] data;
    private final RateLimiter limiter;
    private final LongConsumer onSent;

    /**
     * @param onSent told how many bytes each slice wrote, in order
     */
    ChunkBody(byte[] data, RateLimiter limiter, LongConsumer onSent) {
        this.data = data;
        this.limiter = limiter;
        this.onSent = onSent;
    }

    @Override
    public MediaType contentType() {
        return OFFSET_STREAM;
    }

    @Override
    public long contentLength() {
        return data.length;
    }

    @Override
    public boolean isOneShot() {
        return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        for (int position = 0; position < data.length; position += SLICE) {
            int count = Math.min(SLICE, data.length - position);
            try {
                limiter.acquire(count);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("upload interrupted");
            }
            sink.write(data, position, count);
            sink.flush();
            onSent.accept(count);
        }
    }
}
