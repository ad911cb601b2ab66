package dev.codebound.agent.audit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.pki.Certificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * A registry's public log endpoints on 127.0.0.1, serving whatever tree and checkpoint a test
 * chooses: an honest one, one that rewrote history, or one that refuses to prove anything. Its
 * station directory knows the fixture's station; its entry listing names the entries the fixtures
 * made ({@link AuditFixture#entry}).
 */
final class FakeRegistryLog implements AutoCloseable {
    private final HttpServer server;
    private volatile String checkpoint;
    private volatile MerkleTree tree;
    private volatile int proofStatus = 200;
    private volatile long disguised = -1;

    FakeRegistryLog() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/registry/v1/log/checkpoint", exchange -> respond(exchange, 200, checkpoint));
        server.createContext("/registry/v1/log/consistency", this::consistency);
        server.createContext("/registry/v1/log/entries", this::entries);
        server.createContext("/registry/v1/stations/", this::stationCertificate);
        server.start();
    }

    /** Serve {@code tree}'s proofs and this checkpoint note. */
    FakeRegistryLog serve(MerkleTree served, String note) {
        this.tree = served;
        this.checkpoint = note;
        return this;
    }

    /** List another station's entry in place of the entry at {@code index}, as a registry hiding it would. */
    FakeRegistryLog disguise(long index) {
        this.disguised = index;
        return this;
    }

    FakeRegistryLog proofStatus(int status) {
        this.proofStatus = status;
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void consistency(HttpExchange exchange) throws IOException {
        if (proofStatus != 200) {
            respond(exchange, proofStatus, "{}");
            return;
        }
        Map<String, Long> query = query(exchange);
        ConsistencyProof proof = tree.consistencyProof(query.get("from"), query.get("to"));
        StringBuilder hashes = new StringBuilder();
        for (byte[] hash : proof.hashes()) {
            hashes.append(hashes.length() == 0 ? "" : ",").append('"').append(Base64.getEncoder().encodeToString(hash))
                    .append('"');
        }
        respond(exchange, 200, "{\"oldSize\":" + proof.oldSize() + ",\"newSize\":" + proof.newSize() + ",\"hashes\":["
                + hashes + "]}");
    }

    private void entries(HttpExchange exchange) throws IOException {
        Map<String, Long> query = query(exchange);
        StringBuilder entries = new StringBuilder();
        for (long index = query.get("start"); index < query.get("end"); index++) {
            LogEntry entry = index == disguised ? AuditFixture.entry(AuditFixture.randomLeaf())
                    : AuditFixture.entry(tree.leafHash(index));
            entries.append(entries.length() == 0 ? "" : ",").append("{\"index\":").append(index)
                    .append(",\"envelopeSha256\":\"").append(HexFormat.of().formatHex(entry.envelopeSha256()))
                    .append("\",\"codeId\":\"").append(entry.codeId()).append("\",\"stationId\":\"")
                    .append(entry.stationId()).append("\",\"acceptedAt\":\"").append(entry.acceptedAt())
                    .append("\",\"leafHash\":\"").append(Base64.getEncoder().encodeToString(entry.leafHash()))
                    .append("\"}");
        }
        respond(exchange, 200, "{\"entries\":[" + entries + "]}");
    }

    private void stationCertificate(HttpExchange exchange) throws IOException {
        X509Certificate station = AuditFixture.STATION.certificate();
        if (!exchange.getRequestURI().getPath().equals("/registry/v1/stations/" + Certificates.commonName(station)
                + "/certificate")) {
            respond(exchange, 404, "{}");
            return;
        }
        respond(exchange, 200, "{\"stationId\":\"" + Certificates.commonName(station) + "\",\"fingerprint\":\""
                + Certificates.fingerprint(station) + "\",\"revokedAt\":null}");
    }

    private static Map<String, Long> query(HttpExchange exchange) {
        Map<String, Long> query = new HashMap<>();
        for (String pair : exchange.getRequestURI().getQuery().split("&")) {
            String[] parts = pair.split("=");
            query.put(parts[0], Long.parseLong(parts[1]));
        }
        return query;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
