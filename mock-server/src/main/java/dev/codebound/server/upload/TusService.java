package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.StationIdentity;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import dev.codebound.server.problem.StorageBusyException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * tus 1.0.0 at {@code /files/}: core, creation, creation-with-upload, checksum, expiration and
 * termination, on top of an {@link UploadStore}, an {@link UploadLocker} and a
 * {@link CompletionHandler}. Holds what the per-request handlers share; the handlers themselves
 * (one small class per method) keep the protocol, the store keeps the bytes.
 */
public final class TusService {
    private static final System.Logger LOG = System.getLogger(TusService.class.getName());

    /** Path prefix of every upload URL. */
    public static final String BASE_PATH = "/files/";
    /** Response header naming the completion outcome ({@code accepted} or {@code rejected}). */
    public static final String OUTCOME_HEADER = "Codebound-Outcome";
    /** Response header with the path where the outcome's body is served. */
    public static final String RESULT_HEADER = "Codebound-Result";

    /**
     * Protocol limits.
     *
     * @param maxSize          the largest {@code Upload-Length} accepted (advertised as {@code Tus-Max-Size})
     * @param expiry           how long an unfinished upload lives after its creation or last chunk
     * @param bufferedBytes    body bytes one request may have queued for disk before reading pauses
     * @param maxUnfinishedPerStation unfinished (receiving, unexpired) uploads one station may hold
     */
    public record Settings(long maxSize, Duration expiry, int bufferedBytes, int maxUnfinishedPerStation) {
        public Settings {
            if (maxSize <= 0 || expiry.isNegative() || expiry.isZero() || bufferedBytes <= 0
                    || maxUnfinishedPerStation <= 0) {
                throw new IllegalArgumentException("tus settings must be positive");
            }
        }

        /** Without a per-station quota. */
        public Settings(long maxSize, Duration expiry, int bufferedBytes) {
            this(maxSize, expiry, bufferedBytes, Integer.MAX_VALUE);
        }
    }

    private final UploadStore store;
    private final UploadLocker locker;
    private final CompletionHandler completion;
    private final Executor storage;
    private final Clock clock;
    private final Settings settings;
    private final UploadEvents events;
    private final UnfinishedUploadQuota quota;

    /** The service over a store only this node writes: the quota is counted in this node's memory. */
    public TusService(UploadStore store, UploadLocker locker, CompletionHandler completion, Executor storage,
            Clock clock, Settings settings, UploadEvents events) {
        this(store, new NodeUploadQuota(store), locker, completion, storage, clock, settings, events);
    }

    /** The service whose uploads are created under {@code quota} (one shared by every node, for shared stores). */
    public TusService(UploadStore store, UnfinishedUploadQuota quota, UploadLocker locker,
            CompletionHandler completion, Executor storage, Clock clock, Settings settings, UploadEvents events) {
        this.quota = Objects.requireNonNull(quota, "quota");
        this.store = Objects.requireNonNull(store, "store");
        this.locker = Objects.requireNonNull(locker, "locker");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Registers the tus routes. */
    public void register(Router router) {
        router.add(new Route(HttpMethod.OPTIONS, BASE_PATH, Access.PUBLIC, () -> new OptionsHandler(this)))
                .add(new Route(HttpMethod.POST, BASE_PATH, Access.STATION, () -> new CreateHandler(this)))
                .add(new Route(HttpMethod.HEAD, BASE_PATH + "{id}", Access.STATION, () -> new HeadHandler(this)))
                .add(new Route(HttpMethod.PATCH, BASE_PATH + "{id}", Access.STATION, () -> new PatchHandler(this)))
                .add(new Route(HttpMethod.DELETE, BASE_PATH + "{id}", Access.STATION,
                        () -> new DeleteHandler(this)))
                .add(new Route(HttpMethod.GET, BASE_PATH + "{id}/result", Access.STATION,
                        () -> new ResultHandler(this)));
    }

    /**
     * Startup: reconciles the store and decides every upload whose bytes were complete but whose
     * outcome a crash prevented from being recorded. Call before serving requests.
     *
     * @return the uploads decided now
     */
    public List<UploadInfo> recover() throws IOException {
        List<UploadInfo> decided = new ArrayList<>();
        for (UploadInfo upload : store.recover()) {
            Optional<UploadLocker.Lock> lock = locker.tryLock(upload.id());
            if (lock.isEmpty()) {
                continue;
            }
            try {
                decide(upload);
                decided.add(upload);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "upload " + upload.id() + ": completion failed again; "
                        + "it stays awaiting its outcome", e);
            } finally {
                lock.get().close();
            }
        }
        return decided;
    }

    /**
     * For fault injection: takes the lock of the upload {@code rawId} names, exactly as a competing
     * request would, so that a request served while it is held meets the real 423. Empty when the
     * text is no upload id or the lock is held already.
     */
    public Optional<UploadLocker.Lock> lockUpload(String rawId) {
        return UploadId.parse(rawId).flatMap(locker::tryLock);
    }

    /**
     * For fault injection: expires the unfinished upload {@code rawId} names now, on a storage
     * thread, just as the expiry reaper does once its time has passed. Completes with whether it
     * changed anything: false for no such upload, a complete or already expired one, or one that
     * another request holds.
     */
    public CompletableFuture<Boolean> expireNow(String rawId) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<UploadId> id = UploadId.parse(rawId);
            Optional<UploadLocker.Lock> lock = id.flatMap(locker::tryLock);
            if (lock.isEmpty()) {
                return false;
            }
            try (UploadLocker.Lock held = lock.get()) {
                Optional<UploadInfo> upload = store.info(id.get());
                if (upload.isEmpty() || upload.get().state() != UploadState.RECEIVING) {
                    return false;
                }
                store.expire(id.get());
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, storage);
    }

    /**
     * Creates an upload for {@code station} unless the station already holds
     * {@link Settings#maxUnfinishedPerStation} unfinished uploads: then {@code 429
     * UNFINISHED_UPLOAD_QUOTA}. Finished, terminated and expired uploads free their place; the
     * {@link UnfinishedUploadQuota} counts them (in this node, or across the nodes of shared stores).
     */
    UploadInfo createWithinQuota(long length, UploadMetadata metadata, String station, String instance)
            throws IOException, Refusal {
        Instant now = clock.instant();
        int limit = settings.maxUnfinishedPerStation();
        if (limit == Integer.MAX_VALUE) {
            return store.create(length, metadata, station, now, newExpiry());
        }
        try {
            return quota.createWithin(limit, length, metadata, station, now, newExpiry());
        } catch (QuotaExceededException e) {
            throw new Refusal(ProblemType.UNFINISHED_UPLOAD_QUOTA,
                    "this station already holds " + e.held() + " unfinished uploads (at most " + e.limit()
                            + "); resume or terminate one, or wait for it to expire", instance);
        }
    }

    /** Runs the completion handler on a complete upload and records its outcome durably. */
    CompletionOutcome decide(UploadInfo upload) throws IOException {
        return decide(upload, store.bytes(upload));
    }

    /**
     * As {@link #decide(UploadInfo)}, with the upload's bytes given: the store's, or the same bytes
     * as the request that completed the upload received them ({@link ReceivedBytes}).
     */
    CompletionOutcome decide(UploadInfo upload, UploadBytes bytes) throws IOException {
        CompletionOutcome outcome = completion.complete(upload, bytes);
        store.recordOutcome(upload.id(), outcome);
        events.uploadCompleted();
        return outcome;
    }

    /** Adds the {@code Codebound-Outcome} and {@code Codebound-Result} headers. */
    static void outcomeHeaders(HttpHeaders headers, UploadId id, CompletionOutcome outcome) {
        headers.set(OUTCOME_HEADER, outcome.headerValue());
        headers.set(RESULT_HEADER, resultPath(id));
    }

    static String uploadPath(UploadId id) {
        return BASE_PATH + id.value();
    }

    static String resultPath(UploadId id) {
        return uploadPath(id) + "/result";
    }

    /** The upload id in the request's path; 404 when the text is not an id (which also stops path traversal). */
    static UploadId uploadId(Exchange exchange) throws Refusal {
        Optional<UploadId> id = UploadId.parse(exchange.parameter("id"));
        if (id.isEmpty()) {
            throw new Refusal(ProblemType.INVALID_UPLOAD_ID,
                    "upload ids are 22 characters of base64url; this path names none", exchange.path());
        }
        return id.get();
    }

    /**
     * The upload's record, when the requesting station owns it; 404 if there is none, 403 if it
     * belongs to another station, 410 if it has expired (unless {@code allowExpired}).
     */
    UploadInfo lookup(Exchange exchange, UploadId id, boolean allowExpired) throws IOException, Refusal {
        Optional<UploadInfo> info = store.info(id);
        if (info.isEmpty()) {
            throw new Refusal(ProblemType.NO_SUCH_UPLOAD,
                    "no upload with this id exists (never created, or terminated)", exchange.path());
        }
        String station = exchange.station().map(StationIdentity::stationId).orElse("");
        if (!info.get().stationId().equals(station)) {
            throw new Refusal(ProblemType.UPLOAD_OF_ANOTHER_STATION,
                    "this upload was created by another station", exchange.path());
        }
        if (!allowExpired && info.get().isExpiredAt(clock.instant())) {
            throw new Refusal(ProblemType.UPLOAD_EXPIRED,
                    "the upload was not finished before " + TusHeaders.httpDate(info.get().expires())
                            + "; create a new upload", exchange.path());
        }
        return info.get();
    }

    /** Runs {@code step} on the storage executor and sends what it answers; refusals and failures become problems. */
    void answerAsync(Exchange exchange, Step step) {
        storage.execute(() -> exchange.respond(answer(exchange, step)));
    }

    /** Runs {@code step} here and turns its outcome into a response. */
    FullHttpResponse answer(Exchange exchange, Step step) {
        try {
            return step.run();
        } catch (Refusal refusal) {
            return TusHeaders.response(refusal);
        } catch (IOException | RuntimeException e) {
            return TusHeaders.response(failure(exchange, e));
        }
    }

    static Refusal storageFailure(Exchange exchange) {
        return new Refusal(ProblemType.STORAGE_FAILURE,
                "the registry could not read or write its storage; retry later", exchange.path());
    }

    /**
     * The refusal for a request that {@code failure} stopped, logged: {@code 503 STORAGE_BUSY} (with
     * {@code Retry-After}) when the storage shed the load because every connection to it was in use,
     * else {@code 500 STORAGE_FAILURE}.
     */
    static Refusal failure(Exchange exchange, Exception failure) {
        if (StorageBusyException.in(failure).isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "{0} {1}: storage busy, answered 503: {2}", exchange.method(),
                    exchange.path(), failure.getMessage());
            return new Refusal(ProblemType.STORAGE_BUSY, "the registry's storage is busy with other requests; retry "
                    + "after the seconds Retry-After gives", exchange.path());
        }
        LOG.log(System.Logger.Level.ERROR, exchange.method() + " " + exchange.path() + " failed", failure);
        return storageFailure(exchange);
    }

    /** A unit of storage work that answers a request. */
    @FunctionalInterface
    interface Step {
        FullHttpResponse run() throws IOException, Refusal;
    }

    /** The tus headers of an upload's current state (HEAD, and after chunks). */
    void describe(HttpHeaders headers, UploadInfo upload) {
        headers.set(Tus.UPLOAD_OFFSET, upload.offset());
        if (upload.state() == UploadState.RECEIVING) {
            headers.set(Tus.UPLOAD_EXPIRES, TusHeaders.httpDate(upload.expires()));
        }
    }

    /**
     * The answer to a request that stored a chunk (201 for creation with upload, 204 for PATCH):
     * the upload's state and, once the last byte is in, the registry's outcome.
     */
    FullHttpResponse chunkStored(HttpResponseStatus status, UploadInfo upload, Optional<CompletionOutcome> outcome) {
        FullHttpResponse response = TusHeaders.tus(Responses.empty(status));
        describe(response.headers(), upload);
        outcome.ifPresent(decided -> outcomeHeaders(response.headers(), upload.id(), decided));
        return response;
    }

    /**
     * The 201 that answers a creation-with-upload: as {@link #chunkStored}, and when the body
     * completed the upload, the outcome in the body too (the signed receipt as
     * {@code application/json} when accepted, the problem as {@code application/problem+json} when
     * rejected), so that a small photo needs one round trip. {@code GET .../result} serves the same.
     */
    FullHttpResponse created(UploadInfo upload, Optional<CompletionOutcome> outcome) {
        if (outcome.isEmpty()) {
            return chunkStored(HttpResponseStatus.CREATED, upload, outcome);
        }
        FullHttpResponse response = TusHeaders.tus(outcomeBody(HttpResponseStatus.CREATED, outcome.get()));
        describe(response.headers(), upload);
        outcomeHeaders(response.headers(), upload.id(), outcome.get());
        return response;
    }

    /** A response of {@code status} whose body is the outcome: the receipt, or the problem as a 422. */
    static FullHttpResponse outcomeBody(HttpResponseStatus status, CompletionOutcome outcome) {
        return outcome instanceof CompletionOutcome.Accepted accepted
                ? Responses.json(status, accepted.receiptJson())
                : Responses.body(status, Problem.MEDIA_TYPE, as422(((CompletionOutcome.Rejected) outcome).problem())
                        .toJson());
    }

    /** A rejection is served as 422 whatever status the completion handler put in its problem. */
    static Problem as422(Problem problem) {
        return new Problem(problem.type(), problem.title(), 422, problem.detail(), problem.instance(),
                problem.reason());
    }

    /** The expiry an upload touched now gets. */
    Instant newExpiry() {
        return clock.instant().plus(settings.expiry());
    }

    UploadStore store() {
        return store;
    }

    UploadLocker locker() {
        return locker;
    }

    Executor storage() {
        return storage;
    }

    Clock clock() {
        return clock;
    }

    Settings settings() {
        return settings;
    }

    UploadEvents events() {
        return events;
    }
}
