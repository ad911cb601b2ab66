package dev.codebound.server.admin;

import dev.codebound.server.http.RequestListener;
import dev.codebound.server.http.RequestLog;
import dev.codebound.server.upload.UploadEvents;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, exposed in the Prometheus text format at {@code GET /metrics}. Labels
 * are route templates and statuses only: never ids or anything else a client chose.
 */
public final class ServerMetrics implements RequestListener, UploadEvents {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder bodyBytes = new LongAdder();
    private final LongAdder storedBytes = new LongAdder();
    private final LongAdder created = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final RequestJournal journal;

    /** Metrics that also feed every finished request into {@code journal}. */
    public ServerMetrics(RequestJournal journal) {
        this.journal = journal;
    }

    @Override
    public void started() {
        inFlight.incrementAndGet();
    }

    @Override
    public void finished(RequestLog log) {
        inFlight.decrementAndGet();
        bodyBytes.add(log.bytes());
        String status = log.status() == 0 ? "aborted" : Integer.toString(log.status());
        requests.computeIfAbsent("method=\"" + log.method() + "\",route=\"" + log.route() + "\",status=\"" + status
                + "\"", key -> new LongAdder()).increment();
        journal.add(log);
    }

    @Override
    public void uploadCreated() {
        created.increment();
    }

    @Override
    public void uploadCompleted() {
        completed.increment();
    }

    @Override
    public void bytesStored(long bytes) {
        storedBytes.add(bytes);
    }

    /** Requests being served right now. */
    public long inFlight() {
        return inFlight.get();
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String prometheusText() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP codebound_http_requests_total HTTP requests by method, route template and status.\n")
                .append("# TYPE codebound_http_requests_total counter\n");
        for (Map.Entry<String, LongAdder> entry : new TreeMap<>(requests).entrySet()) {
            out.append("codebound_http_requests_total{").append(entry.getKey()).append("} ")
                    .append(entry.getValue().sum()).append('\n');
        }
        counter(out, "codebound_http_request_body_bytes_total", "Request body bytes received.", bodyBytes.sum());
        counter(out, "codebound_upload_bytes_stored_total", "Upload bytes durably stored (committed chunks).",
                storedBytes.sum());
        counter(out, "codebound_uploads_created_total", "Uploads created.", created.sum());
        counter(out, "codebound_uploads_completed_total", "Uploads completed and decided.", completed.sum());
        out.append("# HELP codebound_http_requests_in_flight Requests being served.\n")
                .append("# TYPE codebound_http_requests_in_flight gauge\n")
                .append("codebound_http_requests_in_flight ").append(inFlight.get()).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
