package dev.codebound.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestLog;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.problem.ProblemType;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's endpoints: {@code GET /health} (public: load balancers and scripts poll it),
 * {@code GET /metrics} and {@code GET /admin/journal?limit=N&after=S} (both {@link Access#ADMIN}). All are
 * answered from memory on the event loop; none touches the disk.
 */
public final class AdminRoutes {
    /** The journal's default page size. */
    public static final int DEFAULT_LIMIT = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerMetrics metrics;
    private final RequestJournal journal;
    private final Clock clock;
    private final Instant started;
    private final String mode;
    private final String caFingerprint;

    /**
     * {@code mode} is {@code tls} or {@code plain}, reported by {@code /health} with
     * {@code caFingerprint}, the SHA-256 of the registry CA certificate in lower-case hex: what a
     * station operator compares with the one {@code codebound-agent init} shows.
     */
    public AdminRoutes(ServerMetrics metrics, RequestJournal journal, Clock clock, String mode,
            String caFingerprint) {
        this.metrics = metrics;
        this.journal = journal;
        this.clock = clock;
        this.started = clock.instant();
        this.mode = mode;
        this.caFingerprint = caFingerprint;
    }

    public void register(Router router) {
        router.add(new Route(HttpMethod.GET, "/health", Access.PUBLIC, () -> this::health))
                .add(new Route(HttpMethod.GET, "/metrics", Access.ADMIN, () -> this::metrics))
                .add(new Route(HttpMethod.GET, "/admin/journal", Access.ADMIN, () -> this::journal));
    }

    private void health(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("mode", mode);
        body.put("uptimeSeconds", Duration.between(started, clock.instant()).toSeconds());
        body.put("inFlight", metrics.inFlight());
        body.put("caCertificateSha256", caFingerprint);
        exchange.respond(json(body));
    }

    private void metrics(Exchange exchange) {
        exchange.respond(Responses.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                metrics.prometheusText()));
    }

    private void journal(Exchange exchange) {
        List<String> given = exchange.query().getOrDefault("limit", List.of());
        int limit = DEFAULT_LIMIT;
        if (!given.isEmpty()) {
            String text = given.get(0);
            if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1) {
                exchange.respond(Responses.problem(ProblemType.INVALID_LIMIT.problem(
                        "limit must be an integer from 1 to " + journal.capacity(), exchange.path())));
                return;
            }
            limit = Math.min(Integer.parseInt(text), journal.capacity());
        }
        List<String> since = exchange.query().getOrDefault("after", List.of());
        long after = 0;
        if (!since.isEmpty()) {
            if (!since.get(0).matches("[0-9]{1,18}")) {
                exchange.respond(Responses.problem(ProblemType.INVALID_AFTER.problem(
                        "after must be the sequence number of a journal entry (a whole number, 0 for all)",
                        exchange.path())));
                return;
            }
            after = Long.parseLong(since.get(0));
        }
        List<Map<String, Object>> entries = journal.recent(limit, after).stream().map(AdminRoutes::entry).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capacity", journal.capacity());
        body.put("entries", entries);
        exchange.respond(json(body));
    }

    private static Map<String, Object> entry(RequestJournal.Numbered numbered) {
        RequestLog log = numbered.log();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("sequence", numbered.sequence());
        entry.put("time", log.time().toString());
        entry.put("method", log.method());
        entry.put("route", log.route());
        entry.put("status", log.status());
        entry.put("durationMs", log.durationMs());
        entry.put("bytes", log.bytes());
        if (log.fault() != null) {
            entry.put("fault", log.fault());
        }
        return entry;
    }

    private static FullHttpResponse json(Object body) {
        try {
            FullHttpResponse response = Responses.json(HttpResponseStatus.OK,
                    JSON.writeValueAsBytes(body));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode admin response", e);
        }
    }
}
