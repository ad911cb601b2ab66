package dev.codebound.server.faults;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.StationAuthenticator;
import dev.codebound.server.http.StationIdentity;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.upload.TusService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * The answers of the actions that answer instead of the real handler: the problems the registry
 * (or the gateway in front of it) gives in the same condition, so clients cannot single faults out.
 */
final class FaultAnswers {
    private FaultAnswers() {}

    /** The answer of a {@code status} action. */
    static FullHttpResponse status(FaultAction.Status action, String path) {
        Problem problem = switch (action.status()) {
            case 500 -> ProblemType.STORAGE_FAILURE.problem(
                    "the registry could not read or write its storage; retry later", path);
            case 502 -> ProblemType.BAD_GATEWAY.problem(
                    "the registry's front end got no valid answer from the registry; retry later", path);
            case 503 -> ProblemType.SERVICE_UNAVAILABLE.problem(
                    "the registry is temporarily unavailable (maintenance or overload); retry later", path);
            default -> ProblemType.GATEWAY_TIMEOUT.problem(
                    "the registry did not answer its front end in time; retry later", path);
        };
        FullHttpResponse response = answer(problem, path);
        if (action.retryAfterSeconds() != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, action.retryAfterSeconds());
        }
        return response;
    }

    /**
     * The answer of a {@code refuseStation} action: the dispatcher's refusal of a revoked station,
     * which carries {@code Tus-Resumable} on tus paths but, unlike the tus handlers' answers, no
     * {@code Cache-Control}.
     */
    static FullHttpResponse refuseStation(StationIdentity station, String path) {
        FullHttpResponse response = Responses.problem(StationAuthenticator.revokedProblem(station, path));
        if (path.startsWith(TusService.BASE_PATH)) {
            response.headers().set(Tus.TUS_RESUMABLE, Tus.VERSION);
        }
        return response;
    }

    /** A problem response, marked as tus (and uncacheable) on tus paths as the tus handlers do. */
    private static FullHttpResponse answer(Problem problem, String path) {
        FullHttpResponse response = Responses.problem(problem);
        if (path.startsWith(TusService.BASE_PATH)) {
            response.headers().set(Tus.TUS_RESUMABLE, Tus.VERSION);
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        return response;
    }
}
