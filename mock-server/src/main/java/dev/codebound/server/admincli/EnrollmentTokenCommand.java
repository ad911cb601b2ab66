package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin enrollment-token}: a one-time token a new station enrolls with. */
@Command(name = "enrollment-token", mixinStandardHelpOptions = true,
        description = "Make a one-time enrollment token for a new station (shown only this once).")
final class EnrollmentTokenCommand extends AdminLeaf {
    @Option(names = "--validity", paramLabel = "DURATION", description = "How long it stays usable (ISO-8601, "
            + "PT1M to P90D). Default: the registry's, 7 days.")
    Duration validity;

    @Option(names = "--note", paramLabel = "TEXT", defaultValue = "",
            description = "What it is for, for the record (no personal data).")
    String note;

    @Override
    public Integer call() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("note", note);
        if (validity != null) {
            request.put("validitySeconds", validity.toSeconds());
        }
        JsonNode token = client().sendJson("POST", "/admin/v1/enrollment-tokens", JSON.writeValueAsBytes(request),
                "application/json", "making an enrollment token");
        return print(token, token.path("token").asText() + "\n(valid until " + token.path("expiresAt").asText()
                + "; give it to the station operator for 'codebound-agent enroll')");
    }
}
