package dev.codebound.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher's connection handling, driven directly with decoded HTTP objects. */
class HttpDispatcherTest {
    private final List<Exchange> deferred = new ArrayList<>();
    private final List<RequestLog> logs = new ArrayList<>();
    private EmbeddedChannel channel;

    private EmbeddedChannel channel(Router router) {
        RequestListener listener = new RequestListener() {
            @Override
            public void started() {}

            @Override
            public void finished(RequestLog log) {
                logs.add(log);
            }
        };
        StationAuthenticator nobody = new StationAuthenticator() {
            @Override
            public Optional<StationIdentity> identify(io.netty.channel.Channel ignored,
                    io.netty.handler.codec.http.HttpHeaders headers) {
                return Optional.empty();
            }

            @Override
            public String howToAuthenticate() {
                return "cannot";
            }
        };
        AdminGuard open = (ignored, method, headers, path) -> Optional.empty();
        channel = new EmbeddedChannel(new HttpDispatcher(router, nobody, open, listener, Clock.systemUTC(),
                RequestDecorator.NONE));
        return channel;
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static HttpRequest request(HttpMethod method, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        return request;
    }

    private FullHttpResponse response() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    private static RequestHandler answering(HttpResponseStatus status) {
        return exchange -> exchange.respond(Responses.empty(status));
    }

    @Test
    void pipelinedRequestsWaitForTheCurrentAnswer() {
        channel(new Router()
                .add(new Route(HttpMethod.GET, "/slow", Access.PUBLIC, () -> deferred::add))
                .add(new Route(HttpMethod.GET, "/fast", Access.PUBLIC, () -> answering(HttpResponseStatus.OK))));
        channel.writeInbound(request(HttpMethod.GET, "/slow"), LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeInbound(request(HttpMethod.GET, "/fast"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertNull(response(), "the second request must not be answered before the first");
        assertFalse(channel.config().isAutoRead(), "no reading while a complete request is processed");
        deferred.get(0).respond(Responses.empty(HttpResponseStatus.ACCEPTED));
        assertEquals(HttpResponseStatus.ACCEPTED, response().status());
        assertEquals(HttpResponseStatus.OK, response().status());
        assertTrue(channel.config().isAutoRead());
        assertEquals(List.of("/slow", "/fast"), logs.stream().map(RequestLog::route).toList());
    }

    /** Reading pauses for a pipelined request only: a lone request costs no change of the connection's interest. */
    @Test
    void aLoneRequestBeingProcessedLeavesReadingOn() {
        channel(new Router().add(new Route(HttpMethod.GET, "/slow", Access.PUBLIC, () -> deferred::add)));
        channel.writeInbound(request(HttpMethod.GET, "/slow"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertTrue(channel.config().isAutoRead(), "nothing pipelined: reading stays on while it is processed");
        deferred.get(0).respond(Responses.empty(HttpResponseStatus.ACCEPTED));
        assertEquals(HttpResponseStatus.ACCEPTED, response().status());
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void handlerPausesAndResumesReading() {
        channel(new Router().add(new Route(HttpMethod.PATCH, "/upload", Access.PUBLIC, () -> new RequestHandler() {
            @Override
            public void onStart(Exchange exchange) {
                deferred.add(exchange);
            }

            @Override
            public void onContent(Exchange exchange, ByteBuf content, boolean last) {
                content.release();
                exchange.pauseReading();
            }
        })));
        channel.writeInbound(request(HttpMethod.PATCH, "/upload", "Content-Length", "8"));
        channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[4])));
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead());
        deferred.get(0).resumeReading();
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void earlyAnswerDrainsASmallBodyAndKeepsTheConnection() {
        channel(new Router()
                .add(new Route(HttpMethod.PATCH, "/reject", Access.PUBLIC, () -> answering(HttpResponseStatus.CONFLICT)))
                .add(new Route(HttpMethod.GET, "/next", Access.PUBLIC, () -> answering(HttpResponseStatus.OK))));
        channel.writeInbound(request(HttpMethod.PATCH, "/reject", "Content-Length", "6"));
        FullHttpResponse conflict = response();
        assertEquals(HttpResponseStatus.CONFLICT, conflict.status());
        assertFalse(conflict.headers().contains(HttpHeaderNames.CONNECTION));
        ByteBuf rest = Unpooled.wrappedBuffer(new byte[6]);
        channel.writeInbound(new DefaultLastHttpContent(rest));
        assertEquals(0, rest.refCnt(), "the drained body is released");
        channel.writeInbound(request(HttpMethod.GET, "/next"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(HttpResponseStatus.OK, response().status());
        assertTrue(channel.isOpen());
    }

    @Test
    void earlyAnswerToALargeBodyClosesTheConnection() {
        channel(new Router().add(new Route(HttpMethod.PATCH, "/reject", Access.PUBLIC,
                () -> answering(HttpResponseStatus.CONFLICT))));
        channel.writeInbound(request(HttpMethod.PATCH, "/reject", "Content-Length", Long.toString(10L << 20)));
        FullHttpResponse conflict = response();
        assertEquals("close", conflict.headers().get(HttpHeaderNames.CONNECTION));
        assertFalse(channel.isOpen());
    }

    @Test
    void methodOverrideRoutesAndRefusesWhatItMustNot() {
        channel(new Router().add(new Route(HttpMethod.PATCH, "/files/{id}", Access.PUBLIC,
                () -> exchange -> exchange.respond(Responses.text(HttpResponseStatus.OK, "text/plain",
                        exchange.method() + " " + exchange.parameter("id"))))));
        channel.writeInbound(request(HttpMethod.POST, "/files/abc", "X-HTTP-Method-Override", "PATCH"),
                LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse patched = response();
        assertEquals("PATCH abc", patched.content().toString(java.nio.charset.StandardCharsets.UTF_8));
        channel.writeInbound(request(HttpMethod.GET, "/files/abc", "X-HTTP-Method-Override", "PATCH"),
                LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(400, response().status().code());
    }

    @Test
    void unknownPathsAndMethodsAndMissingStationsAreProblems() {
        channel(new Router()
                .add(new Route(HttpMethod.POST, "/files/", Access.STATION, () -> answering(HttpResponseStatus.CREATED))));
        channel.writeInbound(request(HttpMethod.GET, "/elsewhere"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(404, response().status().code());
        channel.writeInbound(request(HttpMethod.PUT, "/files/"), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse wrong = response();
        assertEquals(405, wrong.status().code());
        assertEquals("POST", wrong.headers().get(HttpHeaderNames.ALLOW));
        channel.writeInbound(request(HttpMethod.POST, "/files/"), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse unauthenticated = response();
        assertEquals(401, unauthenticated.status().code());
        assertEquals("application/problem+json", unauthenticated.headers().get(HttpHeaderNames.CONTENT_TYPE));
    }

    @Test
    void connectionLostBeforeTheAnswerAbortsTheHandler() {
        List<String> events = new ArrayList<>();
        channel(new Router().add(new Route(HttpMethod.PATCH, "/upload", Access.PUBLIC, () -> new RequestHandler() {
            @Override
            public void onStart(Exchange exchange) {
                events.add("start");
            }

            @Override
            public void onAbort(Exchange exchange) {
                events.add("abort");
            }
        })));
        channel.writeInbound(request(HttpMethod.PATCH, "/upload", "Content-Length", "8"));
        channel.close();
        assertEquals(List.of("start", "abort"), events);
        assertEquals(0, logs.get(0).status(), "an unanswered request is journalled as status 0");
    }
}
