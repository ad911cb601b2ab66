package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code admin codes list}: every issued code, oldest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List every issued code, oldest first.")
final class CodeListCommand extends AdminLeaf {
    @Override
    public Integer call() throws Exception {
        JsonNode codes = client().getJson("/admin/v1/codes", "listing codes");
        StringBuilder text = new StringBuilder(String.format("%-16s  %-6s  %-6s  %-20s  %s", "CODE", "SCHOOL", "COHORT",
                "NOT AFTER", "STATUS"));
        for (JsonNode code : codes) {
            text.append(String.format("%n%-16s  %-6s  %-6s  %-20s  %s", code.path("codeId").asText(),
                    code.path("schoolCode").asText(), code.path("cohort").asText(), code.path("notAfter").asText(),
                    code.path("revokedAt").isNull() || code.path("revokedAt").isMissingNode() ? "valid"
                            : "revoked " + code.path("revokedAt").asText()));
        }
        return print(JSON.createObjectNode().set("codes", codes), text.toString());
    }
}
