package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin codes issue}: one code, its QR image optionally written to a file. */
@Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Issue one collection code. For real students prefer 'codes batch': arguments are visible "
                + "to other local users in the process list.")
final class CodeIssueCommand extends AdminLeaf {
    @Option(names = "--student-number", required = true, paramLabel = "NUMBER", description = "1 to 32 letters or digits.")
    String studentNumber;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The student's name.")
    String name;

    @Option(names = "--id-number", required = true, paramLabel = "ID", description = "18-character ID number.")
    String idNumber;

    @Option(names = "--school-code", required = true, paramLabel = "N", description = "The school.")
    int schoolCode;

    @Option(names = "--cohort", required = true, paramLabel = "YEAR", description = "The graduation year.")
    int cohort;

    @Option(names = "--not-before", paramLabel = "INSTANT", description = "Start of validity. Default: now.")
    Instant notBefore;

    @Option(names = "--not-after", paramLabel = "INSTANT", description = "End of validity. Default: 90 days later.")
    Instant notAfter;

    @Option(names = "--qr", paramLabel = "FILE", description = "Write the code's QR image (PNG) here; never "
            + "overwrites a file.")
    Path qr;

    @Override
    public Integer call() throws Exception {
        if (qr != null) {
            QrFiles.requireAbsent(qr);
        }
        ObjectNode request = JSON.createObjectNode().put("studentNumber", studentNumber).put("name", name)
                .put("idNumber", idNumber).put("schoolCode", schoolCode).put("cohort", cohort);
        if (notBefore != null) {
            request.put("notBefore", notBefore.toString());
        }
        if (notAfter != null) {
            request.put("notAfter", notAfter.toString());
        }
        JsonNode code = client().sendJson("POST", "/admin/v1/codes", JSON.writeValueAsBytes(request),
                "application/json", "issuing a code");
        ObjectNode result = ((ObjectNode) code).deepCopy();
        String png = result.remove("qrPngBase64").asText();
        if (qr != null) {
            QrFiles.write(qr, Base64.getDecoder().decode(png));
            result.put("qrFile", qr.toString());
        }
        return print(result, "Issued code " + code.path("codeId").asText() + ", valid " + code.path("notBefore").asText()
                + " to " + code.path("notAfter").asText() + (qr == null ? "" : "; QR image in " + qr));
    }
}
