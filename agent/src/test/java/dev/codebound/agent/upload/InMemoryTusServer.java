package dev.codebound.agent.upload;

import dev.codebound.agent.testing.Envelopes;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadChecksum;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.ByteString;

/**
 * A tus 1.0.0 server in memory with the registry's contract (creation, creation-with-upload,
 * checksum, termination by expiry, {@code Codebound-Outcome}/{@code Codebound-Result}, a result
 * resource, acceptance deduplicated by envelope hash) and scriptable faults: queued error
 * responses, a connection dropped halfway through a request body, and a lost acknowledgement.
 */
final class InMemoryTusServer extends Dispatcher {
    /** One upload resource. */
    static final class Upload {
        final String id;
        final long length;
        final UploadMetadata metadata;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        long bytesReceived;
        boolean expired;
        String outcome;
        byte[] result;

        Upload(String id, long length, UploadMetadata metadata) {
            this.id = id;
            this.length = length;
            this.metadata = metadata;
        }

        long offset() {
            return data.size();
        }

        String envelopeSha256() {
            return metadata.get(Tus.Metadata.ENVELOPE_SHA256).orElseThrow();
        }
    }

    private final MockWebServer server;
    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    private final Map<String, byte[]> receiptsByHash = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> acceptances = new ConcurrentHashMap<>();
    private final Set<String> refusedHashes = ConcurrentHashMap.newKeySet();
    private final Deque<MockResponse> patchFaults = new ArrayDeque<>();
    private final Deque<MockResponse> postFaults = new ArrayDeque<>();
    private final Deque<MockResponse> headFaults = new ArrayDeque<>();
    private final Deque<MockResponse> resultFaults = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger droppedBodies = new AtomicInteger();
    private int bodyDropsArmed;
    private int acksToLose;
    private java.util.function.IntPredicate lostAckPlan = n -> false;
    private int patches;
    private int nextId = 1;
    private volatile boolean outcomeInCreationAnswer;

    InMemoryTusServer(MockWebServer server) {
        this.server = server;
    }

    // ---- fault scripting ----

    /** The next PATCH gets {@code response} instead of being applied (its body is discarded). */
    synchronized void failNextPatch(MockResponse response) {
        patchFaults.add(response);
    }

    synchronized void failNextPost(MockResponse response) {
        postFaults.add(response);
    }

    synchronized void failNextHead(MockResponse response) {
        headFaults.add(response);
    }

    /** The next GET of a result resource gets {@code response}. */
    synchronized void failNextResult(MockResponse response) {
        resultFaults.add(response);
    }

    /** The next {@code count} requests with a body lose their connection halfway through the body. */
    synchronized void dropNextBodies(int count) {
        bodyDropsArmed += count;
    }

    /** The next {@code count} PATCHes are applied, but the connection closes before the 204 is sent. */
    synchronized void loseNextAcks(int count) {
        acksToLose += count;
    }

    /** PATCH number {@code n} (1-based, over the server's life) loses its acknowledgement when this says so. */
    synchronized void loseAcksWhere(java.util.function.IntPredicate patchNumber) {
        lostAckPlan = patchNumber;
    }

    /**
     * A 201 to a creation-with-upload that completes the upload carries the verdict in its body
     * (the receipt, or the problem), as registries after issue 10 answer; by default it carries
     * none, as before, and the client must fetch the result.
     */
    void answerCreationWithOutcome() {
        outcomeInCreationAnswer = true;
    }

    /** Completed uploads of this envelope are refused with a problem. */
    void refuse(String envelopeSha256) {
        refusedHashes.add(envelopeSha256);
    }

    /** Makes an upload expire: HEAD and PATCH answer 410 from now on. */
    synchronized void expire(String uploadId) {
        uploads.get(uploadId).expired = true;
    }

    // ---- inspection ----

    synchronized List<Upload> uploads() {
        return new ArrayList<>(uploads.values());
    }

    synchronized List<Upload> uploadsOf(String envelopeSha256) {
        return uploads.values().stream().filter(u -> u.envelopeSha256().equals(envelopeSha256)).toList();
    }

    /** How many times the registry accepted this envelope as new (must be at most 1). */
    int acceptances(String envelopeSha256) {
        AtomicInteger count = acceptances.get(envelopeSha256);
        return count == null ? 0 : count.get();
    }

    byte[] receipt(String envelopeSha256) {
        return receiptsByHash.get(envelopeSha256);
    }

    /** Every request that reached the dispatcher (complete requests). */
    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    int droppedBodies() {
        return droppedBodies.get();
    }

    /** Creates an upload directly, as a crashed agent's POST would have. */
    synchronized Upload createDirectly(long length, UploadMetadata metadata) {
        Upload upload = new Upload(Integer.toString(nextId++), length, metadata);
        uploads.put(upload.id, upload);
        return upload;
    }

    // ---- the protocol ----

    @Override
    public synchronized MockResponse peek() {
        countDroppedBodies();
        if (bodyDropsArmed > 0) {
            return new MockResponse.Builder().onRequestBody(new SocketEffect.CloseSocket()).build();
        }
        return super.peek();
    }

    /**
     * A request cut off mid-body either never reaches {@link #dispatch} (the server's queue records
     * it with a failure) or reaches it truncated (the rest of the body was already buffered); count
     * the first kind here and the second in {@link #dispatch}.
     */
    private void countDroppedBodies() {
        try {
            for (RecordedRequest r; (r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
                if (r.getFailure() != null && r.getBodySize() > 0) {
                    bodyDropped();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void bodyDropped() {
        if (bodyDropsArmed > 0) {
            bodyDropsArmed--;
            droppedBodies.incrementAndGet();
        }
    }

    private static boolean truncated(RecordedRequest request) {
        String declared = request.getHeaders().get("Content-Length");
        return declared != null && request.getBodySize() < Long.parseLong(declared);
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
        if (truncated(request)) {
            // The connection is already closed: like a real server, discard the partial chunk.
            bodyDropped();
            return status(400).build();
        }
        requests.add(request);
        if (!Tus.VERSION.equals(request.getHeaders().get(Tus.TUS_RESUMABLE))) {
            return status(412).build();
        }
        String path = request.getUrl().encodedPath();
        String method = request.getMethod();
        if (path.equals("/files/") && method.equals("POST")) {
            MockResponse fault = postFaults.poll();
            return fault != null ? fault : create(request);
        }
        if (!path.startsWith("/files/")) {
            return status(404).build();
        }
        String rest = path.substring("/files/".length());
        if (rest.endsWith("/result") && method.equals("GET")) {
            MockResponse fault = resultFaults.poll();
            if (fault != null) {
                return fault;
            }
            return result(uploads.get(rest.substring(0, rest.length() - "/result".length())));
        }
        Upload upload = uploads.get(rest);
        if (upload == null) {
            return status(404).build();
        }
        if (upload.expired) {
            return status(410).build();
        }
        return switch (method) {
            case "HEAD" -> {
                MockResponse fault = headFaults.poll();
                yield fault != null ? fault : status(200).setHeader(Tus.UPLOAD_OFFSET, upload.offset())
                        .setHeader(Tus.UPLOAD_LENGTH, upload.length).setHeader("Cache-Control", "no-store").build();
            }
            case "PATCH" -> patch(upload, request);
            default -> status(405).build();
        };
    }

    private MockResponse create(RecordedRequest request) {
        UploadMetadata metadata;
        long length;
        try {
            metadata = UploadMetadata.parse(request.getHeaders().get(Tus.UPLOAD_METADATA));
            length = Long.parseLong(request.getHeaders().get(Tus.UPLOAD_LENGTH));
        } catch (WireFormatException | NumberFormatException | NullPointerException e) {
            return problem(400, "BAD_REQUEST");
        }
        for (String key : List.of(Tus.Metadata.CODE_ID, Tus.Metadata.ENVELOPE_SHA256, Tus.Metadata.STATION_ID,
                Tus.Metadata.FILENAME)) {
            if (metadata.get(key).isEmpty()) {
                return problem(400, "MISSING_METADATA");
            }
        }
        Upload upload = createDirectly(length, metadata);
        MockResponse.Builder response = status(201).setHeader("Location", "/files/" + upload.id)
                .setHeader(Tus.UPLOAD_EXPIRES, "Wed, 02 Jun 2027 00:00:00 GMT");
        ByteString body = request.getBody();
        if (body != null && body.size() > 0) {
            upload.bytesReceived += body.size();
            String checksumError = append(upload, request, body);
            if (checksumError != null) {
                return status(460).build();
            }
            response.setHeader(Tus.UPLOAD_OFFSET, upload.offset());
            completeIfDone(upload, response);
            if (outcomeInCreationAnswer && upload.outcome != null) {
                response.setHeader("Content-Type", upload.outcome.equals("accepted") ? "application/json"
                        : Problem.MEDIA_TYPE).body(new okio.Buffer().write(upload.result));
            }
        }
        return response.build();
    }

    private MockResponse patch(Upload upload, RecordedRequest request) {
        ByteString body = request.getBody() == null ? ByteString.EMPTY : request.getBody();
        upload.bytesReceived += body.size();
        MockResponse fault = patchFaults.poll();
        if (fault != null) {
            return fault;
        }
        if (!Tus.OFFSET_CONTENT_TYPE.equals(request.getHeaders().get("Content-Type"))) {
            return status(415).build();
        }
        long offset = Long.parseLong(request.getHeaders().get(Tus.UPLOAD_OFFSET));
        if (offset != upload.offset()) {
            return status(409).setHeader(Tus.UPLOAD_OFFSET, upload.offset()).build();
        }
        if (upload.offset() + body.size() > upload.length) {
            return problem(413, "BEYOND_LENGTH");
        }
        if (append(upload, request, body) != null) {
            return status(Tus.STATUS_CHECKSUM_MISMATCH).build();
        }
        MockResponse.Builder response = status(204).setHeader(Tus.UPLOAD_OFFSET, upload.offset());
        completeIfDone(upload, response);
        boolean planned = lostAckPlan.test(++patches);
        if (acksToLose > 0 || planned) {
            acksToLose -= planned ? 0 : 1;
            response.onResponseStart(new SocketEffect.CloseSocket());
        }
        return response.build();
    }

    /** Verifies the chunk's checksum and appends it; returns an error text when it does not match. */
    private String append(Upload upload, RecordedRequest request, ByteString body) {
        try {
            UploadChecksum checksum = UploadChecksum.parse(request.getHeaders().get(Tus.UPLOAD_CHECKSUM));
            if (!checksum.matches(checksum.newDigest().digest(body.toByteArray()))) {
                return "checksum mismatch";
            }
        } catch (WireFormatException | NullPointerException e) {
            return "no checksum";
        }
        upload.data.writeBytes(body.toByteArray());
        return null;
    }

    private void completeIfDone(Upload upload, MockResponse.Builder response) {
        if (upload.offset() != upload.length) {
            return;
        }
        byte[] data = upload.data.toByteArray();
        String hash = upload.envelopeSha256();
        if (!Envelopes.sha256Hex(data).equals(hash)) {
            upload.outcome = "rejected";
            upload.result = Problem.of(422, "ENVELOPE_HASH_MISMATCH", "Envelope hash mismatch", null,
                    "/files/" + upload.id).toJson();
        } else if (refusedHashes.contains(hash)) {
            upload.outcome = "rejected";
            upload.result = Problem.of(422, "PHOTO_SPEC", "Photo does not meet the specification",
                    "eyes are not 200-300 px from the top", "/files/" + upload.id).toJson();
        } else {
            upload.outcome = "accepted";
            // Deduplicated by envelope hash: a second upload of the same envelope gets the same receipt.
            upload.result = receiptsByHash.computeIfAbsent(hash, h -> {
                acceptances.computeIfAbsent(h, k -> new AtomicInteger()).incrementAndGet();
                return ("{\"envelope-sha256\":\"" + h + "\",\"receipt-id\":\"r-" + upload.id + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            });
        }
        response.setHeader("Codebound-Outcome", upload.outcome).setHeader("Codebound-Result",
                "/files/" + upload.id + "/result");
    }

    private MockResponse result(Upload upload) {
        if (upload == null || upload.outcome == null) {
            return status(404).build();
        }
        return upload.outcome.equals("accepted")
                ? status(200).setHeader("Content-Type", "application/json").body(new okio.Buffer().write(upload.result))
                        .build()
                : status(422).setHeader("Content-Type", Problem.MEDIA_TYPE).body(new okio.Buffer().write(upload.result))
                        .build();
    }

    static MockResponse.Builder status(int code) {
        return new MockResponse.Builder().code(code).setHeader(Tus.TUS_RESUMABLE, Tus.VERSION);
    }

    static MockResponse problem(int code, String reason) {
        return status(code).setHeader("Content-Type", Problem.MEDIA_TYPE)
                .body(new okio.Buffer().write(Problem.of(code, reason, reason, null, null).toJson())).build();
    }
}
