package dev.codebound.server.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.SmallBodyHandler;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.Executor;

/**
 * {@code GET /registry/v1/stations/{id}/certificate}: the station directory's public record of the
 * certificate it issued to one station (fingerprint, serial, validity, revocation time), so that an
 * auditor can check that the certificate which signed a station's transfer-log checkpoints is the
 * one the registry issued to that station (docs/audit.md). Public, like any certificate: it holds
 * no personal data, and the administrator's revocation note is deliberately left out.
 */
public final class StationCertificateRoutes {
    private final StationDirectory stations;
    private final Executor storage;

    public StationCertificateRoutes(StationDirectory stations, Executor storage) {
        this.stations = stations;
        this.storage = storage;
    }

    public void register(Router router) {
        router.add(new Route(HttpMethod.GET, "/registry/v1/stations/{id}/certificate", Access.PUBLIC,
                () -> new SmallBodyHandler(0, storage, this::certificate, RegistryRoutes::failure)));
    }

    private FullHttpResponse certificate(Exchange exchange, byte[] body) throws Exception {
        String stationId = exchange.parameter("id");
        StationDirectory.Station station = stations.find(stationId).orElseThrow(() -> new Refusal(
                ProblemType.STATION_UNKNOWN, "no station '" + stationId + "' has been enrolled"));
        ObjectNode node = JsonRecordStore.JSON.createObjectNode();
        node.put("stationId", station.stationId());
        node.put("fingerprint", station.fingerprint());
        node.put("serial", station.serialHex());
        node.put("enrolledAt", station.enrolledAt().toString());
        node.put("notAfter", station.notAfter().toString());
        if (station.revoked()) {
            node.put("revokedAt", station.revokedAt().toString());
        } else {
            node.putNull("revokedAt");
        }
        FullHttpResponse response = Responses.json(HttpResponseStatus.OK, JsonRecordStore.JSON.writeValueAsBytes(node));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return response;
    }
}
