package dev.codebound.server.http;

import dev.codebound.server.problem.ProblemType;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Collects a small request body (JSON, CSV, a CSR) up to a limit and then hands it to blocking
 * work on an executor: registry operations sign, hash and write files, which must never run on
 * the event loop. A body over the limit is refused with 413 as soon as the limit is crossed (or
 * up front, from Content-Length), without buffering the rest.
 */
public final class SmallBodyHandler implements RequestHandler {
    /** Blocking work on a complete small body; returns the response to send. */
    @FunctionalInterface
    public interface Work {
        FullHttpResponse handle(Exchange exchange, byte[] body) throws Exception;
    }

    /** Maps a failure of the work to a response (the registry's own error mapping). */
    @FunctionalInterface
    public interface FailureMapper {
        FullHttpResponse map(Exchange exchange, Exception failure);
    }

    private final int limit;
    private final Executor executor;
    private final Work work;
    private final FailureMapper failures;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean answered;

    public SmallBodyHandler(int limit, Executor executor, Work work, FailureMapper failures) {
        this.limit = limit;
        this.executor = executor;
        this.work = work;
        this.failures = failures;
    }

    @Override
    public void onStart(Exchange exchange) {
        String declared = exchange.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && declared.matches("[0-9]{1,18}") && Long.parseLong(declared) > limit) {
            tooLarge(exchange);
        }
    }

    @Override
    public void onContent(Exchange exchange, ByteBuf content, boolean last) {
        try {
            if (answered) {
                return;
            }
            if (body.size() + content.readableBytes() > limit) {
                tooLarge(exchange);
                return;
            }
            byte[] piece = new byte[content.readableBytes()];
            content.readBytes(piece);
            body.writeBytes(piece);
        } finally {
            content.release();
        }
        if (last) {
            answered = true;
            byte[] complete = body.toByteArray();
            try {
                executor.execute(() -> exchange.respond(run(exchange, complete)));
            } catch (RejectedExecutionException e) {
                exchange.respond(Responses.problem(ProblemType.SHUTTING_DOWN.problem(
                        "the registry is stopping; retry shortly", exchange.path())));
            }
        }
    }

    private FullHttpResponse run(Exchange exchange, byte[] complete) {
        try {
            return work.handle(exchange, complete);
        } catch (Exception e) {
            return failures.map(exchange, e);
        }
    }

    private void tooLarge(Exchange exchange) {
        answered = true;
        exchange.respond(Responses.problem(ProblemType.BODY_TOO_LARGE.problem(
                "this endpoint accepts bodies of at most " + limit + " bytes", exchange.path())));
    }
}
