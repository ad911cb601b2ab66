package dev.codebound.server.http;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.problem.ProblemType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The last handler of a connection's pipeline: turns decoded HTTP objects into one {@link Exchange}
 * at a time. It resolves {@code X-HTTP-Method-Override}, routes, enforces each route's
 * {@link Access}, lets the {@link RequestDecorator} wrap the route's {@link RequestHandler}, streams
 * body pieces to it, and after the answer either discards the rest of the body or closes the
 * connection. Pipelined requests wait until the current one is answered; reading pauses only once
 * one arrives, not for every request processed. One instance per
 * connection; everything runs on its event loop.
 *
 * <p>A client that sent {@code Expect: 100-continue} gets {@code 100 Continue} only once the
 * route's handler has looked at the head without refusing it, so that a request refused on its
 * head alone (too large, bad metadata) never invites the body; a refusal sent instead closes the
 * connection, since the client may or may not send the body after it. A body too slow for
 * {@link ClientTimeouts} is answered {@code 408} once the handler has let go of the request.
 */
public final class HttpDispatcher extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HttpDispatcher.class.getName());

    /** A body still unread when the answer goes out is drained up to this size, else the connection closes. */
    static final long DRAIN_LIMIT = 1 << 20;

    /** Read-pause reasons: reading resumes only when none remains. */
    private static final int PAUSED_BY_HANDLER = 1;
    private static final int PAUSED_WHILE_PROCESSING = 2;
    private static final int PAUSED_BY_DECORATOR = 4;

    private final Router router;
    private final StationAuthenticator stations;
    private final AdminGuard admins;
    private final RequestListener listener;
    private final Clock clock;
    private final RequestDecorator decorator;

    private ChannelHandlerContext ctx;
    private ActiveExchange current;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private int pauseReasons;

    public HttpDispatcher(Router router, StationAuthenticator stations, AdminGuard admins, RequestListener listener,
            Clock clock, RequestDecorator decorator) {
        this.router = router;
        this.stations = stations;
        this.admins = admins;
        this.listener = listener;
        this.clock = clock;
        this.decorator = decorator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!pipelined.isEmpty() || (current != null && current.requestDone)) {
            pipelined.add(msg);
            pause(PAUSED_WHILE_PROCESSING);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            begin(request);
        }
        if (msg instanceof HttpContent content) {
            body(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        long startNanos = System.nanoTime();
        listener.started();
        ClientTimeouts.enter(ctx.channel(), ClientTimeouts.Phase.READING_BODY);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        current = new ActiveExchange(request, uri, startNanos);
        current.continueExpected = HttpUtil.is100ContinueExpected(request);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            current.closeAfterResponse = true;
            current.respond(Responses.problem((cause instanceof TooLongFrameException
                    ? ProblemType.REQUEST_HEAD_TOO_LARGE : ProblemType.MALFORMED_REQUEST)
                    .problem("the request head could not be parsed: " + cause.getMessage(), null)));
            return;
        }
        Optional<HttpMethod> method = effectiveMethod(request);
        if (method.isEmpty()) {
            current.respond(Responses.problem(ProblemType.BAD_METHOD_OVERRIDE.problem(
                    Tus.METHOD_OVERRIDE + " is honoured only on POST and only for PATCH or DELETE", uri.rawPath())));
            return;
        }
        current.method = method.get();
        Router.Match match = router.match(current.method, uri.rawPath());
        if (match instanceof Router.Match.NotFound) {
            current.respond(Responses.problem(ProblemType.NO_SUCH_ROUTE.problem("no endpoint at this path", null)));
            return;
        }
        if (match instanceof Router.Match.WrongMethod wrong) {
            FullHttpResponse response = Responses.problem(ProblemType.METHOD_NOT_ALLOWED.problem(
                    current.method + " is not supported here; allowed: " + names(wrong), null));
            response.headers().set(HttpHeaderNames.ALLOW, names(wrong));
            current.respond(response);
            return;
        }
        Router.Match.Found found = (Router.Match.Found) match;
        current.route = found.route();
        current.parameters = found.parameters();
        current.station = stations.identify(ctx.channel(), request.headers());
        Optional<Problem> refusal = authorize(found.route(), uri.rawPath());
        if (refusal.isPresent()) {
            FullHttpResponse response = Responses.problem(refusal.get());
            if (found.route().template().startsWith("/files")) {
                response.headers().set(Tus.TUS_RESUMABLE, Tus.VERSION);
            }
            current.respond(response);
            return;
        }
        current.handler = decorator.decorate(found.route(), current, current, found.route().handlers().get());
        ActiveExchange started = current;
        started.handler.onStart(started);
        if (started.continueExpected && !started.responded) {
            started.continueExpected = false;
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private Optional<Problem> authorize(Route route, String path) {
        return switch (route.access()) {
            case PUBLIC -> Optional.empty();
            case ADMIN -> admins.check(ctx.channel(), current.method, current.request.headers(), path);
            case STATION -> current.station.isPresent() ? stations.refusal(current.station.get(), path)
                    : Optional.of(ProblemType.CLIENT_CERTIFICATE_REQUIRED.problem(stations.howToAuthenticate(), path));
        };
    }

    private static String names(Router.Match.WrongMethod wrong) {
        return wrong.allowed().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    }

    /** POST with {@code X-HTTP-Method-Override: PATCH|DELETE} (clients that cannot send PATCH, e.g. HttpURLConnection). */
    private static Optional<HttpMethod> effectiveMethod(HttpRequest request) {
        String override = request.headers().get(Tus.METHOD_OVERRIDE);
        if (override == null) {
            return Optional.of(request.method());
        }
        if (!request.method().equals(HttpMethod.POST)) {
            return Optional.empty();
        }
        return switch (override.strip().toUpperCase(Locale.ROOT)) {
            case "PATCH" -> Optional.of(HttpMethod.PATCH);
            case "DELETE" -> Optional.of(HttpMethod.DELETE);
            default -> Optional.empty();
        };
    }

    private void body(HttpContent content) {
        ActiveExchange exchange = current;
        if (exchange == null) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            exchange.closeAfterResponse = true;
            if (!exchange.responded) {
                exchange.respond(Responses.problem(ProblemType.MALFORMED_BODY.problem(
                        "the body could not be decoded: " + content.decoderResult().cause().getMessage(),
                        exchange.path())));
            }
            return;
        }
        ByteBuf bytes = content.content();
        exchange.bodyBytes += bytes.readableBytes();
        if (last) {
            exchange.requestDone = true;
            ClientTimeouts.enter(ctx.channel(), ClientTimeouts.Phase.PROCESSING);
        }
        if (exchange.responded || exchange.handler == null) {
            content.release();
            if (last && exchange.responded) {
                finish(exchange);
            }
            return;
        }
        // Reading goes on while the request is processed: only a request pipelined behind it pauses it
        // (see channelRead), so that a lone request costs no two changes of the connection's epoll interest.
        exchange.handler.onContent(exchange, bytes, last);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        ActiveExchange exchange = current;
        current = null;
        if (exchange != null && !exchange.finished) {
            exchange.finished = true;
            if (!exchange.responded && exchange.handler != null) {
                exchange.handler.onAbort(exchange);
            }
            listener.finished(exchange.log(exchange.responded ? exchange.status : 0));
        }
        while (!pipelined.isEmpty()) {
            ReferenceCountUtil.release(pipelined.poll());
        }
        context.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof ClientTimeouts.BodyTimeout timeout) {
            timedOut(timeout);
        } else {
            context.fireUserEventTriggered(event);
        }
    }

    /** The body broke a {@link ClientTimeouts} limit: 408, after the handler has let go; then close. */
    private void timedOut(ClientTimeouts.BodyTimeout timeout) {
        ActiveExchange exchange = current;
        if (exchange == null || exchange.responded || exchange.finished) {
            ctx.close();
            return;
        }
        exchange.closeAfterResponse = true;
        FullHttpResponse answer = Responses.problem(timeout.type().problem(
                timeout.detail() + "; the request was discarded, retry it", exchange.path()));
        if (exchange.path().startsWith("/files")) {
            answer.headers().set(Tus.TUS_RESUMABLE, Tus.VERSION);
        }
        if (exchange.handler == null) {
            exchange.respond(answer);
        } else {
            exchange.handler.onTimedOut(exchange, answer);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "connection from {0} failed: {1}", context.channel().remoteAddress(),
                cause.toString());
        context.close();
    }

    private void finish(ActiveExchange exchange) {
        if (exchange.finished) {
            return;
        }
        exchange.finished = true;
        listener.finished(exchange.log(exchange.status));
        if (current == exchange) {
            current = null;
        }
        pauseReasons &= ~(PAUSED_BY_HANDLER | PAUSED_BY_DECORATOR);
        ClientTimeouts.enter(ctx.channel(), ClientTimeouts.Phase.AWAITING_REQUEST);
        while (!pipelined.isEmpty() && (current == null || !current.requestDone)) {
            dispatch(pipelined.poll());
        }
        if (pipelined.isEmpty() && (current == null || !current.requestDone)) {
            resume(PAUSED_WHILE_PROCESSING);
        } else {
            updateAutoRead();
        }
    }

    private void pause(int reason) {
        pauseReasons |= reason;
        updateAutoRead();
    }

    private void resume(int reason) {
        pauseReasons &= ~reason;
        updateAutoRead();
    }

    private void updateAutoRead() {
        boolean read = pauseReasons == 0;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** One request from headers to answer; its public methods are the handler's {@link Exchange}. */
    private final class ActiveExchange implements Exchange, RequestControl {
        final HttpRequest request;
        final QueryStringDecoder uri;
        final long startNanos;
        final Instant startTime = clock.instant();
        HttpMethod method;
        Route route;
        Map<String, String> parameters = Map.of();
        Optional<StationIdentity> station = Optional.empty();
        RequestHandler handler;
        boolean requestDone;
        boolean responded;
        boolean finished;
        boolean closeAfterResponse;
        /** The client awaits {@code 100 Continue} before sending its body, and none was sent yet. */
        boolean continueExpected;
        int status;
        long bodyBytes;
        String fault;

        ActiveExchange(HttpRequest request, QueryStringDecoder uri, long startNanos) {
            this.request = request;
            this.uri = uri;
            this.startNanos = startNanos;
            this.method = request.method();
        }

        RequestLog log(int finalStatus) {
            return new RequestLog(startTime, method.name(), route == null ? "unmatched" : route.template(),
                    finalStatus, (System.nanoTime() - startNanos) / 1_000_000, bodyBytes, fault);
        }

        @Override
        public HttpMethod method() {
            return method;
        }

        @Override
        public String path() {
            return uri.rawPath();
        }

        @Override
        public HttpHeaders headers() {
            return request.headers();
        }

        @Override
        public String parameter(String name) {
            return parameters.get(name);
        }

        @Override
        public Map<String, List<String>> query() {
            return uri.parameters();
        }

        @Override
        public Optional<StationIdentity> station() {
            return station;
        }

        @Override
        public boolean fromLoopback() {
            return ctx.channel().remoteAddress() instanceof InetSocketAddress address
                    && address.getAddress().isLoopbackAddress();
        }

        @Override
        public Executor eventLoop() {
            return ctx.executor();
        }

        @Override
        public void respond(FullHttpResponse response) {
            if (!ctx.executor().inEventLoop()) {
                ctx.executor().execute(() -> respond(response));
                return;
            }
            if (responded || finished || !ctx.channel().isActive()) {
                response.release();
                return;
            }
            responded = true;
            status = response.status().code();
            // RFC 9110 section 6.6.1: a server with a clock sends Date; stations measure their clock against it.
            response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(clock.instant())));
            boolean bodyMayOrMayNotFollow = continueExpected && !requestDone;
            boolean keepAlive = HttpUtil.isKeepAlive(request) && !closeAfterResponse && !bodyMayOrMayNotFollow
                    && (requestDone || remainingBodyIsSmall());
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
                finish(this);
            } else if (requestDone) {
                finish(this);
            } else {
                // Drain the rest of a small body, then serve the next request on this connection.
                resume(PAUSED_BY_HANDLER | PAUSED_BY_DECORATOR);
            }
        }

        /** Whether what is left of the body is known and small enough to read and drop. */
        private boolean remainingBodyIsSmall() {
            if (HttpUtil.isTransferEncodingChunked(request)) {
                return false;
            }
            // Without Content-Length or chunked encoding an HTTP/1.1 request has no body.
            long declared = HttpUtil.getContentLength(request, 0L);
            return declared - bodyBytes <= DRAIN_LIMIT;
        }

        @Override
        public void pauseReading() {
            ctx.executor().execute(() -> {
                if (current == this && !responded) {
                    pause(PAUSED_BY_HANDLER);
                }
            });
        }

        @Override
        public void resumeReading() {
            ctx.executor().execute(() -> {
                if (current == this) {
                    resume(PAUSED_BY_HANDLER);
                }
            });
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
            return ctx.executor().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void holdReading() {
            if (current == this && !responded) {
                pause(PAUSED_BY_DECORATOR);
            }
        }

        @Override
        public void releaseReading() {
            if (current == this) {
                resume(PAUSED_BY_DECORATOR);
            }
        }

        @Override
        public void reset() {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.channel().close();
        }

        @Override
        public void recordFault(String description) {
            fault = description;
        }
    }
}
