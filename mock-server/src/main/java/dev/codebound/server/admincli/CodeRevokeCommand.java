package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin codes revoke ID}: the next trust bundle lists the code as revoked. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a code; stations refuse it once they have the next trust bundle.")
final class CodeRevokeCommand extends AdminLeaf {
    @Parameters(paramLabel = "CODE_ID", description = "The code id (16 characters A-Z, 2-7).")
    String codeId;

    @Override
    public Integer call() throws Exception {
        JsonNode code = client().sendJson("POST", "/admin/v1/codes/" + PathSegments.checked(codeId, "CODE_ID")
                + "/revocation", null, null, "revoking code " + codeId);
        return print(JSON.createObjectNode().set("code", code), "Revoked code " + code.path("codeId").asText()
                + " at " + code.path("revokedAt").asText());
    }
}
