package dev.codebound.agent.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The one way the agent reads a registry answer's body: into memory, but never more than a limit
 * for that kind of answer. A declared {@code Content-Length} over the limit is refused before
 * reading; an undeclared or lying one is refused as soon as the limit is passed.
 */
public final class BoundedBody {
    /** Enrollment answers, trust bundles, log checkpoints and proofs: a few KB each. */
    public static final int REGISTRY_ANSWER_LIMIT = 1 << 20;
    /** Receipts and problem bodies from the upload endpoints. */
    public static final int UPLOAD_ANSWER_LIMIT = 256 * 1024;

    private static final long READ_STEP = 8192;

    private BoundedBody() {}

    /**
     * The body of {@code response}, at most {@code limit} bytes.
     *
     * @throws ResponseTooLargeException when the body is (or says it is) larger than {@code limit}
     * @throws IOException               when reading fails
     */
    public static byte[] read(Response response, long limit) throws IOException {
        String source = response.request().method() + " " + response.request().url();
        ResponseBody body = response.body();
        if (body.contentLength() > limit) {
            throw new ResponseTooLargeException(source, limit);
        }
        BufferedSource in = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= limit) {
            if (in.read(buffer, READ_STEP) == -1) {
                return buffer.readByteArray();
            }
        }
        throw new ResponseTooLargeException(source, limit);
    }

    /**
     * A body handler for the JDK's {@code HttpClient} with the same limit: the exchange fails with
     * {@link ResponseTooLargeException} as soon as more than {@code limit} bytes arrived.
     */
    public static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new LimitedSubscriber(limit, declared);
        };
    }

    /** Collects up to {@code limit} bytes and cancels the exchange beyond that. */
    private static final class LimitedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedSubscriber(long limit, long declared) {
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declared > limit) {
                subscription.cancel();
                result.completeExceptionally(new ResponseTooLargeException("the registry", limit));
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (collected.size() + (long) buffer.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new ResponseTooLargeException("the registry", limit));
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                collected.writeBytes(bytes);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(collected.toByteArray());
        }
    }
}
