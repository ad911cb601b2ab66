package dev.codebound.server.adminui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.server.http.AdminGuard;
import dev.codebound.server.http.HttpDispatcher;
import dev.codebound.server.http.RequestDecorator;
import dev.codebound.server.http.RequestListener;
import dev.codebound.server.http.RequestLog;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.StationAuthenticator;
import dev.codebound.server.http.StationIdentity;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that is not on a loopback address (an embedded channel's address is none) gets nothing
 * from the admin web page: not the page, not a session for the right token, and no use of a session
 * it somehow holds, even where the server's own admin guard would let it in.
 */
class RemoteClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "the-admin-token";

    private final AdminSessions sessions = new AdminSessions(Clock.systemUTC());
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        Router router = new Router();
        new AdminUiRoutes(sessions, TOKEN, false, Runnable::run).register(router);
        AdminGuard admitsAnyone = (ignored, method, headers, path) -> Optional.empty();
        StationAuthenticator nobody = new StationAuthenticator() {
            @Override
            public Optional<StationIdentity> identify(Channel ignored, HttpHeaders headers) {
                return Optional.empty();
            }

            @Override
            public String howToAuthenticate() {
                return "cannot";
            }
        };
        RequestListener ignore = new RequestListener() {
            @Override
            public void started() {}

            @Override
            public void finished(RequestLog log) {}
        };
        channel = new EmbeddedChannel(new HttpDispatcher(router, nobody, new SessionGuard(sessions, admitsAnyone,
                false), ignore, Clock.systemUTC(), RequestDecorator.NONE));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void thePageIsNotServed() throws Exception {
        assertEquals("ADMIN_UI_LOOPBACK_ONLY", reason(send(HttpMethod.GET, "/admin/ui/", "")));
        assertEquals("ADMIN_UI_LOOPBACK_ONLY", reason(send(HttpMethod.GET, "/admin/ui/app.js", "")));
    }

    @Test
    void theRightTokenStartsNoSession() throws Exception {
        FullHttpResponse login = send(HttpMethod.POST, "/admin/ui/login", "token=" + TOKEN,
                HttpHeaderNames.CONTENT_TYPE.toString(), "application/x-www-form-urlencoded");

        assertEquals("ADMIN_UI_LOOPBACK_ONLY", reason(login));
        assertFalse(login.headers().contains(HttpHeaderNames.SET_COOKIE));
    }

    @Test
    void aSessionIsOfNoUseFromElsewhere() throws Exception {
        String cookie = AdminSessions.COOKIE + "=" + sessions.start().id();

        assertEquals("ADMIN_UI_LOOPBACK_ONLY", reason(send(HttpMethod.GET, "/admin/ui/session", "",
                HttpHeaderNames.COOKIE.toString(), cookie)));
    }

    private FullHttpResponse send(HttpMethod method, String uri, String body, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set(HttpHeaderNames.HOST, "registry.example:8443");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        channel.writeInbound(request, bytes.length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes)));
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    private static String reason(FullHttpResponse response) throws Exception {
        try {
            return JSON.readTree(response.content().toString(StandardCharsets.UTF_8)).path("reason").asText();
        } finally {
            response.release();
        }
    }
}
