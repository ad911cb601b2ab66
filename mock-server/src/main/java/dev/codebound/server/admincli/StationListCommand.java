package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code admin stations list}: every enrolled station, oldest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List enrolled stations, oldest first.")
final class StationListCommand extends AdminLeaf {
    @Override
    public Integer call() throws Exception {
        JsonNode stations = client().getJson("/admin/v1/stations", "listing stations");
        StringBuilder text = new StringBuilder(String.format("%-24s  %-24s  %-20s  %s", "STATION", "ENROLLED",
                "CERTIFICATE EXPIRES", "STATUS"));
        for (JsonNode station : stations) {
            JsonNode revoked = station.path("revokedAt");
            text.append(String.format("%n%-24s  %-24s  %-20s  %s", station.path("stationId").asText(),
                    station.path("enrolledAt").asText(), station.path("notAfter").asText(),
                    revoked.isNull() || revoked.isMissingNode() ? "active" : "revoked " + revoked.asText()));
        }
        return print(JSON.createObjectNode().set("stations", stations), text.toString());
    }
}
