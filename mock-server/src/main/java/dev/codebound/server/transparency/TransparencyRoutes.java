package dev.codebound.server.transparency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.SmallBodyHandler;
import dev.codebound.server.problem.ProblemType;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The transparency log's public read endpoints: the latest checkpoint, inclusion and consistency
 * proofs, and entries by range (docs/registry-api.md). Public because the point of the log is that
 * anyone can audit it.
 */
public final class TransparencyRoutes {
    /** At most this many entries per page. */
    static final int MAX_ENTRIES = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransparencyLog log;
    private final Executor storage;

    public TransparencyRoutes(TransparencyLog log, Executor storage) {
        this.log = log;
        this.storage = storage;
    }

    public void register(Router router) {
        router.add(route("/registry/v1/log/checkpoint", this::checkpoint))
                .add(route("/registry/v1/log/inclusion", this::inclusion))
                .add(route("/registry/v1/log/consistency", this::consistency))
                .add(route("/registry/v1/log/entries", this::entries));
    }

    private Route route(String template, SmallBodyHandler.Work work) {
        return new Route(HttpMethod.GET, template, Access.PUBLIC,
                () -> new SmallBodyHandler(0, storage, work, TransparencyRoutes::failure));
    }

    private FullHttpResponse checkpoint(Exchange exchange, byte[] body) throws IOException {
        FullHttpResponse response = Responses.text(HttpResponseStatus.OK, "text/plain; charset=utf-8",
                log.latestCheckpoint());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return response;
    }

    private FullHttpResponse inclusion(Exchange exchange, byte[] body) throws Exception {
        InclusionProof proof = log.inclusionProof(number(exchange, "index"), number(exchange, "size"));
        ObjectNode node = JSON.createObjectNode();
        node.put("leafIndex", proof.leafIndex());
        node.put("treeSize", proof.treeSize());
        hashes(node.putArray("hashes"), proof.hashes());
        return Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(node));
    }

    private FullHttpResponse consistency(Exchange exchange, byte[] body) throws Exception {
        ConsistencyProof proof = log.consistencyProof(number(exchange, "from"), number(exchange, "to"));
        ObjectNode node = JSON.createObjectNode();
        node.put("oldSize", proof.oldSize());
        node.put("newSize", proof.newSize());
        hashes(node.putArray("hashes"), proof.hashes());
        return Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(node));
    }

    private FullHttpResponse entries(Exchange exchange, byte[] body) throws Exception {
        long start = number(exchange, "start");
        long end = number(exchange, "end");
        if (end < start || end - start > MAX_ENTRIES || end > log.size()) {
            throw new IllegalArgumentException("need start <= end <= " + log.size() + " (the log size) and at most "
                    + MAX_ENTRIES + " entries per request");
        }
        ArrayNode entries = JSON.createArrayNode();
        long index = start;
        for (LogEntry entry : log.entries(start, end)) {
            ObjectNode node = entries.addObject();
            node.put("index", index++);
            node.put("envelopeSha256", HexFormat.of().formatHex(entry.envelopeSha256()));
            node.put("codeId", entry.codeId());
            node.put("stationId", entry.stationId());
            node.put("acceptedAt", entry.acceptedAt().toString());
            node.put("leafHash", Base64.getEncoder().encodeToString(entry.leafHash()));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("entries", entries);
        return Responses.json(HttpResponseStatus.OK, JSON.writeValueAsBytes(response));
    }

    private static void hashes(ArrayNode array, List<byte[]> hashes) {
        hashes.forEach(hash -> array.add(Base64.getEncoder().encodeToString(hash)));
    }

    private static long number(Exchange exchange, String name) {
        List<String> values = exchange.query().getOrDefault(name, List.of());
        if (values.size() != 1 || !values.get(0).matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("query parameter '" + name + "' must be given once, as a whole number");
        }
        return Long.parseLong(values.get(0));
    }

    private static FullHttpResponse failure(Exchange exchange, Exception failure) {
        if (failure instanceof IllegalArgumentException invalid) {
            return Responses.problem(ProblemType.INVALID_LOG_QUERY.problem(invalid.getMessage(), exchange.path()));
        }
        System.getLogger(TransparencyRoutes.class.getName()).log(System.Logger.Level.ERROR,
                "log query failed", failure);
        return Responses.problem(ProblemType.REGISTRY_FAILURE.problem("the log could not be read", exchange.path()));
    }
}
