package dev.codebound.server.faults;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Route;
import java.util.Set;

/**
 * What a fault rule does to a request it fires on: a JSON object whose {@code type} names the
 * action, with the action's own parameters beside it, e.g. {@code {"type":"status","status":503,
 * "retryAfterSeconds":5}}. Each action acts only where it makes sense ({@link #appliesTo}); where it
 * answers, it answers what the real condition would, so that clients cannot tell a fault from the
 * real thing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FaultAction.Reset.class, name = "reset"),
        @JsonSubTypes.Type(value = FaultAction.Delay.class, name = "delay"),
        @JsonSubTypes.Type(value = FaultAction.Dribble.class, name = "dribble"),
        @JsonSubTypes.Type(value = FaultAction.Status.class, name = "status"),
        @JsonSubTypes.Type(value = FaultAction.ChecksumMismatch.class, name = "checksumMismatch"),
        @JsonSubTypes.Type(value = FaultAction.Locked.class, name = "locked"),
        @JsonSubTypes.Type(value = FaultAction.Expire.class, name = "expire"),
        @JsonSubTypes.Type(value = FaultAction.RefuseStation.class, name = "refuseStation")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface FaultAction {
    /** The action with its parameters, as the journal names it, e.g. {@code reset afterBytes=1000}. */
    @JsonIgnore
    String describe();

    /** Whether the action can act on requests to {@code route} (admin routes are never faulted). */
    @JsonIgnore
    default boolean appliesTo(Route route) {
        return route.access() != Access.ADMIN;
    }

    /** Whether the action acts only on requests that carry a body. */
    @JsonIgnore
    default boolean needsBody() {
        return false;
    }

    /**
     * Closes the connection with a TCP reset. With a body, after {@code afterBytes} of it have been
     * read and passed on (mid-body: the partial chunk is discarded like any broken upload); without
     * a body, or with {@code afterBytes} 0, at once. If the body ends before {@code afterBytes}, the
     * reset comes just before the end, so the chunk is never committed.
     *
     * @param afterBytes body bytes to read first (default 0)
     */
    record Reset(Long afterBytes) implements FaultAction {
        public Reset {
            afterBytes = afterBytes == null ? 0L : afterBytes;
            if (afterBytes < 0) {
                throw new InvalidFaultPlanException("afterBytes", "must be 0 or more");
            }
        }

        @Override
        public String describe() {
            return "reset afterBytes=" + afterBytes;
        }
    }

    /**
     * Waits {@code ms} before the request is handled; its body waits unread meanwhile. The wait
     * runs on the event loop's timer and never blocks it.
     *
     * @param ms the delay in milliseconds (1 to 600000)
     */
    record Delay(Long ms) implements FaultAction {
        public Delay {
            if (ms == null) {
                throw new InvalidFaultPlanException("ms", "is required: the delay in milliseconds");
            }
            if (ms < 1 || ms > 600_000) {
                throw new InvalidFaultPlanException("ms", "must be from 1 to 600000, got " + ms);
            }
        }

        @Override
        public String describe() {
            return "delay ms=" + ms;
        }
    }

    /**
     * Reads the request body at {@code bytesPerSecond} by pausing reads from the socket, so the
     * client sees a slow server (TCP backpressure), as over a congested link. Acts only on requests
     * with a body.
     *
     * @param bytesPerSecond the reading rate, at least 1
     */
    record Dribble(Long bytesPerSecond) implements FaultAction {
        public Dribble {
            if (bytesPerSecond == null) {
                throw new InvalidFaultPlanException("bytesPerSecond", "is required: the reading rate");
            }
            if (bytesPerSecond < 1) {
                throw new InvalidFaultPlanException("bytesPerSecond", "must be at least 1, got " + bytesPerSecond);
            }
        }

        @Override
        public String describe() {
            return "dribble bytesPerSecond=" + bytesPerSecond;
        }

        @Override
        public boolean needsBody() {
            return true;
        }
    }

    /**
     * Answers a server error at once, without handling the request: 500 {@code STORAGE_FAILURE} (the
     * registry's own), or 502, 503, 504 as a gateway in front of the registry would, optionally with
     * {@code Retry-After}.
     *
     * @param status            500, 502, 503 or 504
     * @param retryAfterSeconds the {@code Retry-After} header's value, if any (0 to 86400)
     */
    record Status(Integer status, Integer retryAfterSeconds) implements FaultAction {
        /** The statuses a status fault may answer. */
        public static final Set<Integer> ALLOWED = Set.of(500, 502, 503, 504);

        public Status {
            if (status == null) {
                throw new InvalidFaultPlanException("status", "is required: 500, 502, 503 or 504");
            }
            if (!ALLOWED.contains(status)) {
                throw new InvalidFaultPlanException("status", "must be 500, 502, 503 or 504, got " + status);
            }
            if (retryAfterSeconds != null && (retryAfterSeconds < 0 || retryAfterSeconds > 86_400)) {
                throw new InvalidFaultPlanException("retryAfterSeconds",
                        "must be from 0 to 86400, got " + retryAfterSeconds);
            }
        }

        @Override
        public String describe() {
            return "status " + status + (retryAfterSeconds == null ? "" : " retryAfterSeconds=" + retryAfterSeconds);
        }
    }

    /**
     * Makes the chunk fail its checksum: the real PATCH handling runs against an {@code
     * Upload-Checksum} that cannot match, so the body is read, the chunk discarded and the real 460
     * answered. Only on {@code PATCH /files/{id}} with a body.
     */
    record ChecksumMismatch() implements FaultAction {
        @Override
        public String describe() {
            return "checksumMismatch";
        }

        @Override
        public boolean appliesTo(Route route) {
            return route.name().equals(TusRoutes.PATCH);
        }

        @Override
        public boolean needsBody() {
            return true;
        }
    }

    /**
     * Holds the upload's lock while the real handler starts, so it answers the real 423
     * {@code UPLOAD_LOCKED}. Only on {@code PATCH} and {@code DELETE /files/{id}}, where uploads are
     * locked.
     */
    record Locked() implements FaultAction {
        @Override
        public String describe() {
            return "locked";
        }

        @Override
        public boolean appliesTo(Route route) {
            return route.name().equals(TusRoutes.PATCH) || route.name().equals(TusRoutes.DELETE);
        }
    }

    /**
     * Expires the unfinished upload now, durably, as the expiry cleaner would; then the real handler
     * answers, so this request and every later one get what an expired upload gets (410 for HEAD and
     * PATCH). Only on routes under {@code /files/{id}}.
     */
    record Expire() implements FaultAction {
        @Override
        public String describe() {
            return "expire";
        }

        @Override
        public boolean appliesTo(Route route) {
            return route.template().startsWith(TusRoutes.UPLOAD_PREFIX);
        }
    }

    /**
     * Refuses the station with the registry's real answer to a revoked station, 403
     * {@code STATION_REVOKED}, without revoking anything. Only on routes that need a station.
     */
    record RefuseStation() implements FaultAction {
        @Override
        public String describe() {
            return "refuseStation";
        }

        @Override
        public boolean appliesTo(Route route) {
            return route.access() == Access.STATION;
        }
    }
}
