package dev.codebound.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.registry.BoundedBody;
import dev.codebound.agent.spool.EnvelopeInfo;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The tus 1.0.0 requests the uploader makes, one method each, with every non-success turned into
 * a classified {@link UploadException}. Holds no state besides the configured client and the calls
 * on their way, which a stopping run cuts off ({@link #cancelInFlight}).
 */
final class TusClient {
    /**
     * Final-PATCH header: where the receipt or problem can be fetched. The final PATCH also carries
     * {@code Codebound-Outcome}, but the result resource is what gets stored, so it alone decides.
     */
    static final String RESULT = "Codebound-Result";
    /** The verdict a final request announces: {@code accepted} or {@code rejected}. */
    static final String OUTCOME = "Codebound-Outcome";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient client;
    private final HttpUrl endpoint;
    private final Clock clock;
    private final Duration callTimeout;
    private final long minRate;
    private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * A created upload: its URL, the offset the server holds, a result path if already complete,
     * and the verdict itself when the registry sent it in the answer (else {@code null}: fetch it).
     */
    record Created(HttpUrl url, long offset, String resultPath, Outcome outcome) {}

    /** A PATCH's answer: the new offset and, on the final chunk, the result path. */
    record Patched(long offset, String resultPath) {}

    /** The registry's verdict on a complete upload. */
    sealed interface Outcome {}

    /** Accepted: the receipt JSON as received. */
    record Accepted(byte[] receiptJson) implements Outcome {}

    /** Refused: the problem. */
    record Refused(Problem problem) implements Outcome {}

    TusClient(OkHttpClient base, UploadConfig config) {
        OkHttpClient.Builder builder = base.newBuilder().addInterceptor(new TusResumableInterceptor());
        if (config.devStationId() != null) {
            builder.addInterceptor(new DevStationInterceptor(config.devStationId()));
        }
        this.client = builder.build();
        this.endpoint = config.endpoint();
        this.clock = config.clock();
        this.callTimeout = config.callTimeout();
        this.minRate = config.minRate();
    }

    /**
     * Creates an upload; with {@code body} (creation-with-upload) the whole envelope travels along.
     */
    Created create(EnvelopeInfo info, RequestBody body, byte[] bodySha256) throws UploadException {
        UploadMetadata metadata = UploadMetadata.empty()
                .with(Tus.Metadata.CODE_ID, info.codeId())
                .with(Tus.Metadata.ENVELOPE_SHA256, info.sha256())
                .with(Tus.Metadata.STATION_ID, info.stationId())
                .with(Tus.Metadata.FILENAME, info.filename());
        Request.Builder request = new Request.Builder().url(endpoint)
                .header(Tus.UPLOAD_LENGTH, Long.toString(info.length()))
                .header(Tus.UPLOAD_METADATA, metadata.encode());
        if (body != null) {
            request.header(Tus.UPLOAD_CHECKSUM, UploadChecksum.sha256Header(bodySha256)).post(body);
        } else {
            request.post(RequestBody.create(new byte[0]));
        }
        try (Response response = execute(request.build(), "create", body == null ? 0 : info.length())) {
            if (response.code() != 201) {
                throw failure("create", response);
            }
            String location = response.header("Location");
            HttpUrl url = location == null ? null : response.request().url().resolve(location);
            if (url == null) {
                throw UploadException.transientError("create: 201 without a usable Location", null);
            }
            String offset = response.header(Tus.UPLOAD_OFFSET);
            return new Created(url, offset == null ? 0 : parseOffset(offset, "create"), response.header(RESULT),
                    outcomeInAnswer(response));
        }
    }

    /** The server's offset for an upload (HEAD). */
    long head(HttpUrl upload) throws UploadException {
        Request request = new Request.Builder().url(upload).head().header("Cache-Control", "no-store").build();
        try (Response response = execute(request, "resume", 0)) {
            if (response.code() != 200 && response.code() != 204) {
                throw failure("resume", response);
            }
            return parseOffset(response.header(Tus.UPLOAD_OFFSET), "resume");
        }
    }

    /** Sends one chunk at {@code offset} (PATCH). */
    Patched patch(HttpUrl upload, long offset, RequestBody body, byte[] bodySha256) throws UploadException {
        Request request = new Request.Builder().url(upload).patch(body)
                .header(Tus.UPLOAD_OFFSET, Long.toString(offset))
                .header(Tus.UPLOAD_CHECKSUM, UploadChecksum.sha256Header(bodySha256))
                .build();
        try (Response response = execute(request, "upload", bodyLength(body))) {
            if (response.code() != 204 && response.code() != 200) {
                throw failure("upload", response);
            }
            return new Patched(parseOffset(response.header(Tus.UPLOAD_OFFSET), "upload"), response.header(RESULT));
        }
    }

    /**
     * The verdict a 201 to a creation-with-upload carries in its body when it completed the upload
     * (the receipt as {@code application/json} when {@code Codebound-Outcome: accepted}, the problem
     * as {@code application/problem+json} when {@code rejected}), or {@code null} when it carries none
     * (a registry that predates this): the caller then fetches it from the result resource.
     */
    private Outcome outcomeInAnswer(Response response) throws UploadException {
        String outcome = response.header(OUTCOME);
        String type = response.header("Content-Type", "");
        String mediaType = type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if ("accepted".equals(outcome) && mediaType.equals("application/json")) {
            byte[] receipt = readBody(response, "create");
            return receipt.length == 0 ? null : new Accepted(requireJsonObject(receipt, "create"));
        }
        if ("rejected".equals(outcome) && mediaType.equals("application/problem+json")) {
            byte[] problem = readBody(response, "create");
            if (problem.length == 0) {
                return null;
            }
            try {
                Problem parsed = Problem.fromJson(problem);
                if (parsed.status() != 0) {
                    return new Refused(parsed);
                }
            } catch (WireFormatException e) {
                // Not a problem after all: ask the result resource, which decides.
            }
        }
        return null;
    }

    /** Fetches the verdict on a complete upload: 200 with a receipt, or 422 with a problem. */
    Outcome result(HttpUrl resultUrl) throws UploadException {
        Request request = new Request.Builder().url(resultUrl).get().header("Accept", "application/json").build();
        try (Response response = execute(request, "result", 0)) {
            if (response.code() == 200) {
                return new Accepted(requireJsonObject(readBody(response, "result"), "result"));
            }
            if (response.code() == 422) {
                return new Refused(problemOf(response));
            }
            // 404 here means "no verdict yet" (or a lost upload) rather than "gone", and 409 (OUTCOME_PENDING)
            // that another request is still deciding: ask again after a backoff, not at once as after an
            // offset conflict.
            if (response.code() == 404 || response.code() == 409) {
                throw new UploadException(FailureKind.TRANSIENT, response.code(), "result: no verdict yet",
                        retryAfter(response), null, -1, null);
            }
            throw failure("result", response);
        }
    }

    /** Where the verdict of an upload is, from the server's hint or by the contract's convention. */
    HttpUrl resultUrl(HttpUrl upload, String hint) {
        HttpUrl fromHint = hint == null ? null : upload.resolve(hint);
        return fromHint != null ? fromHint : upload.newBuilder().addPathSegment("result").build();
    }

    /** The tus discovery request, {@code OPTIONS} on the endpoint; any answer means reachable. */
    void discover() throws IOException {
        Call call = client.newCall(new Request.Builder().url(endpoint).method("OPTIONS", null).build());
        long connect = client.connectTimeoutMillis();
        call.timeout().timeout(connect > 0 ? 2 * connect : callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try (Response response = call.execute()) {
            BoundedBody.read(response, BoundedBody.UPLOAD_ANSWER_LIMIT);
        }
    }

    /**
     * Runs {@code request} within its deadline: the call timeout, plus the time to send
     * {@code bodyBytes} at the minimum rate, so that a large chunk on a slow link is not cut off
     * while a server that stalls is.
     */
    private Response execute(Request request, String step, long bodyBytes) throws UploadException {
        Call call = client.newCall(request);
        long sendingMillis = Math.multiplyExact(bodyBytes, 1000L) / minRate;
        call.timeout().timeout(callTimeout.toMillis() + sendingMillis, TimeUnit.MILLISECONDS);
        inFlight.add(call);
        try {
            // Interrupted before the call was registered, the thread is out of cancelInFlight's reach: cut it off here.
            if (Thread.currentThread().isInterrupted()) {
                call.cancel();
            }
            return call.execute();
        } catch (IOException e) {
            throw UploadException.transientError(step + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            inFlight.remove(call);
        }
    }

    /**
     * Cuts off every request on its way. An interrupt does not reach a thread blocked reading a
     * socket, so a run that stops interrupts its workers and then calls this: each ends at once, not
     * at its call's timeout. Call it after the interrupts; a call started later is cut off by its
     * own thread's interrupt.
     */
    void cancelInFlight() {
        inFlight.forEach(Call::cancel);
    }

    private UploadException failure(String step, Response response) throws UploadException {
        int status = response.code();
        FailureKind kind = status < 400 ? FailureKind.TRANSIENT : FailureKind.ofStatus(status);
        Problem problem = status >= 400 ? problemOf(response) : null;
        long serverOffset = -1;
        if (kind == FailureKind.OFFSET_MISMATCH && response.header(Tus.UPLOAD_OFFSET) != null) {
            serverOffset = parseOffset(response.header(Tus.UPLOAD_OFFSET), step);
        }
        boolean described = problem != null && problem.reason() != null && !problem.reason().equals("HTTP_" + status);
        String reason = described ? " " + problem.reason() : "";
        return new UploadException(kind, status, step + ": HTTP " + status + reason, retryAfter(response), problem,
                serverOffset, null);
    }

    private Duration retryAfter(Response response) {
        return RetryAfter.parse(response.header("Retry-After"), clock.instant()).orElse(null);
    }

    private Problem problemOf(Response response) throws UploadException {
        byte[] body = readBody(response, "problem");
        try {
            Problem parsed = Problem.fromJson(body);
            if (parsed.status() != 0) {
                return parsed;
            }
        } catch (WireFormatException e) {
            // Not a problem body (a proxy's error page, say): describe the status instead.
        }
        return Problem.of(response.code(), "HTTP_" + response.code(), response.message().isEmpty()
                ? "HTTP " + response.code() : response.message(), null, response.request().url().encodedPath());
    }

    private static byte[] readBody(Response response, String step) throws UploadException {
        try {
            return BoundedBody.read(response, BoundedBody.UPLOAD_ANSWER_LIMIT);
        } catch (IOException e) {
            throw UploadException.transientError(step + ": cannot read the response body: " + e.getMessage(), e);
        }
    }

    /** The receipt as received, once it is known to be a JSON object; its signature is checked on arrival. */
    private static byte[] requireJsonObject(byte[] json, String step) throws UploadException {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw UploadException.transientError(step + ": the receipt is not a JSON object", null);
            }
        } catch (IOException e) {
            throw UploadException.transientError(step + ": the receipt is not JSON", e);
        }
        return json;
    }

    private static long bodyLength(RequestBody body) {
        try {
            return Math.max(0, body.contentLength());
        } catch (IOException e) {
            return 0;
        }
    }

    private static long parseOffset(String header, String step) throws UploadException {
        try {
            long offset = Long.parseLong(header == null ? "" : header.strip());
            if (offset < 0) {
                throw new NumberFormatException();
            }
            return offset;
        } catch (NumberFormatException e) {
            throw UploadException.transientError(step + ": missing or malformed Upload-Offset", null);
        }
    }
}
