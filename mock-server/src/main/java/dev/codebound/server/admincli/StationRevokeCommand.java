package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin stations revoke ID}: the station's requests are refused at once. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a station: its requests are refused at once and the next trust bundle lists it.")
final class StationRevokeCommand extends AdminLeaf {
    @Parameters(paramLabel = "STATION_ID", description = "The station id (its certificate's CN).")
    String stationId;

    @Option(names = "--note", paramLabel = "TEXT", defaultValue = "",
            description = "Why, for the record (no personal data).")
    String note;

    @Override
    public Integer call() throws Exception {
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("note", note));
        JsonNode station = client().sendJson("POST", "/admin/v1/stations/"
                + PathSegments.checked(stationId, "STATION_ID") + "/revocation", body, "application/json",
                "revoking station " + stationId);
        return print(JSON.createObjectNode().set("station", station), "Revoked station "
                + station.path("stationId").asText() + " at " + station.path("revokedAt").asText());
    }
}
