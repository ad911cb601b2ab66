package dev.codebound.server.faults;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.WireFormatException;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.RequestControl;
import dev.codebound.server.http.RequestDecorator;
import dev.codebound.server.http.RequestHandler;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.StationIdentity;
import dev.codebound.server.upload.TusService;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides, for each request, whether the current {@link FaultPlan} injects a fault, and wraps the
 * request's handler with the action that does it. The plan can be replaced at any time (the admin
 * API); a request keeps the decision made when its head arrived.
 *
 * <p>Determinism: whether rule i fires on the n-th request it watches on a route depends only on
 * (seed, i, route, n) (see {@link FaultDraw}), so the same client behaviour against the same seed
 * and plan meets the same faults.
 */
public final class FaultInjector implements RequestDecorator {
    private static final System.Logger LOG = System.getLogger(FaultInjector.class.getName());

    private final Router router;
    private final TusService tus;
    private final long serverSeed;
    private final AtomicReference<ArmedPlan> current;

    /**
     * An injector with no faults yet. {@code serverSeed} seeds plans that bring no seed of their own.
     * Install a plan with {@link #replace} once every route is registered on {@code router}.
     */
    public FaultInjector(Router router, TusService tus, long serverSeed) {
        this.router = router;
        this.tus = tus;
        this.serverSeed = serverSeed;
        this.current = new AtomicReference<>(ArmedPlan.arm(FaultPlan.NONE, serverSeed, List.of()));
    }

    /** A seed for a run that was given none; it is printed and served, so the run can still be reproduced. */
    public static long randomSeed() {
        return new SecureRandom().nextLong();
    }

    /**
     * Replaces the plan after checking it against the server's routes; counting starts afresh.
     *
     * @throws InvalidFaultPlanException naming the rule field that names no route, an admin route, or an action
     *                                   that cannot act there
     */
    public void replace(FaultPlan plan) {
        ArmedPlan armed = ArmedPlan.arm(plan, serverSeed, router.routes());
        current.set(armed);
        if (!plan.rules().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "fault plan installed (seed " + armed.seed() + "): "
                    + new String(armed.plan().toJson(), StandardCharsets.UTF_8));
        }
    }

    /** Removes every rule. */
    public void clear() {
        replace(FaultPlan.NONE);
    }

    /** The plan in force, with the seed it uses: saved as a file, it reproduces this run. */
    public FaultPlan plan() {
        return current.get().plan();
    }

    /** The seed in force. */
    public long seed() {
        return current.get().seed();
    }

    /** What {@code GET /admin/faults} serves: seed, plan and per-rule counters. */
    public Map<String, Object> status() {
        ArmedPlan armed = current.get();
        Map<String, Object> status = new LinkedHashMap<>();
        // A string, as in the plan: 64-bit seeds do not survive JSON readers that use doubles.
        status.put("seed", Long.toString(armed.seed()));
        status.put("plan", armed.plan());
        status.put("rules", armed.counters());
        return status;
    }

    @Override
    public RequestHandler decorate(Route route, Exchange exchange, RequestControl control, RequestHandler handler) {
        String station = exchange.station().map(StationIdentity::stationId).orElse(null);
        Optional<ArmedPlan.Firing> firing = current.get().decide(route, station,
                RequestBody.present(exchange.headers()));
        if (firing.isEmpty()) {
            return handler;
        }
        control.recordFault(firing.get().describe());
        return act(firing.get().rule().action(), exchange, control, handler);
    }

    private RequestHandler act(FaultAction action, Exchange exchange, RequestControl control, RequestHandler handler) {
        if (action instanceof FaultAction.Reset reset) {
            return new ResetFault(handler, control, reset.afterBytes());
        }
        if (action instanceof FaultAction.Delay delay) {
            return new DeferredStart(handler, control, (request, proceed) -> control.schedule(proceed, delay.ms()));
        }
        if (action instanceof FaultAction.Dribble dribble) {
            return new DribbleFault(handler, control, dribble.bytesPerSecond());
        }
        if (action instanceof FaultAction.Status status) {
            return request -> request.respond(FaultAnswers.status(status, request.path()));
        }
        if (action instanceof FaultAction.ChecksumMismatch) {
            spoilChecksum(exchange);
            return handler;
        }
        if (action instanceof FaultAction.Locked) {
            return new LockedStart(handler, tus);
        }
        if (action instanceof FaultAction.Expire) {
            return new DeferredStart(handler, control, (request, proceed) ->
                    tus.expireNow(request.parameter("id")).whenComplete((expired, failure) -> {
                        if (failure != null) {
                            LOG.log(System.Logger.Level.WARNING, "expire fault could not expire the upload", failure);
                        }
                        request.eventLoop().execute(proceed);
                    }));
        }
        return request -> request.respond(
                FaultAnswers.refuseStation(request.station().orElseThrow(), request.path()));
    }

    /**
     * Replaces {@code Upload-Checksum} with one the body cannot match (the client's digest with its
     * first byte inverted, or an all-zero SHA-256 when it sent none), so the real handler reads the
     * body, discards the chunk and answers its real 460. A malformed header is left for the real 400.
     */
    private static void spoilChecksum(Exchange exchange) {
        String given = exchange.headers().get(Tus.UPLOAD_CHECKSUM);
        String algorithm = "sha256";
        byte[] digest = new byte[32];
        if (given != null) {
            try {
                UploadChecksum parsed = UploadChecksum.parse(given);
                algorithm = parsed.algorithm();
                digest = parsed.digest().clone();
                digest[0] = (byte) ~digest[0];
            } catch (WireFormatException e) {
                return;
            }
        }
        exchange.headers().set(Tus.UPLOAD_CHECKSUM, algorithm + " " + Base64.getEncoder().encodeToString(digest));
    }
}
