package dev.codebound.server.faults;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.problem.ProblemType;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * The admin API of fault injection, all {@link Access#ADMIN}: {@code GET /admin/faults} (seed, plan,
 * counters), {@code PUT /admin/faults} (replace the plan; a JSON body, at most
 * {@link #MAX_PLAN_BYTES}) and {@code DELETE /admin/faults} (remove every rule). Each answers the
 * state after the call. Answered on the event loop from memory: plans are small.
 */
public final class FaultRoutes {
    /** The route all three methods share. */
    public static final String PATH = "/admin/faults";
    /** The largest plan accepted. */
    public static final int MAX_PLAN_BYTES = 256 * 1024;

    private final FaultInjector faults;

    public FaultRoutes(FaultInjector faults) {
        this.faults = faults;
    }

    public void register(Router router) {
        router.add(new Route(HttpMethod.GET, PATH, Access.ADMIN, () -> exchange -> exchange.respond(state())))
                .add(new Route(HttpMethod.PUT, PATH, Access.ADMIN, PlanUpload::new))
                .add(new Route(HttpMethod.DELETE, PATH, Access.ADMIN, () -> exchange -> {
                    faults.clear();
                    exchange.respond(state());
                }));
    }

    private FullHttpResponse state() {
        try {
            FullHttpResponse response = Responses.json(HttpResponseStatus.OK,
                    FaultPlan.mapper().writeValueAsBytes(faults.status()));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the fault state", e);
        }
    }

    /** {@code PUT /admin/faults}: collects the body, then parses, checks and installs the plan. */
    private final class PlanUpload implements RequestHandler {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean answered;

        @Override
        public void onStart(Exchange exchange) {
            String type = exchange.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (type != null && !type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
                refuse(exchange, ProblemType.WRONG_CONTENT_TYPE,
                        "send the plan as Content-Type: application/json, not " + type);
                return;
            }
            String length = exchange.headers().get(HttpHeaderNames.CONTENT_LENGTH);
            if (length != null && length.strip().matches("[0-9]{1,19}")
                    && Long.parseLong(length.strip()) > MAX_PLAN_BYTES) {
                tooLarge(exchange);
            }
        }

        @Override
        public void onContent(Exchange exchange, ByteBuf content, boolean last) {
            int size = content.readableBytes();
            if (!answered && body.size() + size > MAX_PLAN_BYTES) {
                tooLarge(exchange);
            }
            if (answered) {
                content.release();
                return;
            }
            byte[] bytes = new byte[size];
            content.readBytes(bytes);
            content.release();
            body.write(bytes, 0, size);
            if (last) {
                install(exchange);
            }
        }

        private void install(Exchange exchange) {
            try {
                faults.replace(FaultPlan.fromJson(body.toByteArray()));
            } catch (InvalidFaultPlanException e) {
                refuse(exchange, e.field() == null ? ProblemType.MALFORMED_FAULT_PLAN : ProblemType.INVALID_FAULT_PLAN,
                        e.getMessage());
                return;
            }
            answered = true;
            exchange.respond(state());
        }

        private void tooLarge(Exchange exchange) {
            refuse(exchange, ProblemType.FAULT_PLAN_TOO_LARGE,
                    "a fault plan may have at most " + MAX_PLAN_BYTES + " bytes");
        }

        private void refuse(Exchange exchange, ProblemType type, String detail) {
            answered = true;
            exchange.respond(Responses.problem(type.problem(detail, exchange.path())));
        }
    }
}
