package dev.codebound.server.admincli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin faults put FILE}: replaces the plan; the file's bytes are sent as they are. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = "Replace the fault plan with the one in FILE (JSON). The file is sent byte for byte, so its "
                + "seed is never rounded.")
final class FaultPutCommand extends AdminLeaf {
    @Parameters(paramLabel = "FILE", description = "The plan (JSON), e.g. the output of 'faults get'.")
    Path file;

    @Override
    public Integer call() throws Exception {
        byte[] plan;
        try {
            plan = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, file + ": no such file", e);
        } catch (IOException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JSON.readTree(plan);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new AdminFailure(AdminExitCodes.INPUT, file + ": not JSON" + where + ": " + e.getOriginalMessage(),
                    e);
        }
        JsonNode state = client().sendJson("PUT", "/admin/faults", plan, "application/json",
                "replacing the fault plan");
        return print(state, "Fault plan in force: " + state.path("plan").path("rules").size() + " rule(s), seed "
                + state.path("seed").asText());
    }
}
