package dev.codebound.server.admincli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code admin codes batch FILE --qr-dir DIR}: a code for every student of a CSV, each QR image
 * written to {@code DIR/<student_number>.png}. The list is checked first (line and column of each
 * problem); the registry issues all or none.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Issue a code for every student in a CSV (student_number,name,id_number,school_code,cohort"
                + "[,not_before,not_after]) and write each QR image to DIR/<student_number>.png.")
final class CodeBatchCommand extends AdminLeaf {
    @Parameters(paramLabel = "CSV", description = "The student list (UTF-8).")
    Path csv;

    @Option(names = "--qr-dir", required = true, paramLabel = "DIR",
            description = "Directory for the QR images (created if missing); existing files are never replaced.")
    Path qrDir;

    @Override
    public Integer call() throws Exception {
        String text = read(csv);
        List<String> students = StudentCsv.studentNumbers(new StringReader(text), csv.toString());
        for (String student : students) {
            QrFiles.requireAbsent(qrFile(student));
        }
        RegistryClient registry = client();
        JsonNode issued = registry.sendJson("POST", "/admin/v1/codes/batch", text.getBytes(StandardCharsets.UTF_8),
                "text/csv; charset=utf-8", "issuing the batch");
        JsonNode codes = issued.path("codes");
        if (codes.size() != students.size()) {
            throw new AdminFailure(AdminExitCodes.INTERNAL, "the registry issued " + codes.size() + " codes for "
                    + students.size() + " students");
        }
        ObjectNode result = JSON.createObjectNode();
        ArrayNode written = result.putArray("codes");
        for (int i = 0; i < students.size(); i++) {
            JsonNode code = codes.get(i);
            Path file = qrFile(students.get(i));
            QrFiles.write(file, registry.getBytes(code.path("qrPath").asText(), "fetching the QR image of "
                    + code.path("codeId").asText()));
            written.addObject().put("studentNumber", students.get(i)).put("codeId", code.path("codeId").asText())
                    .put("notAfter", code.path("notAfter").asText()).put("qrFile", file.toString());
        }
        return print(result, "Issued " + students.size() + " code(s); QR images in " + qrDir + " as "
                + "<student_number>.png");
    }

    private Path qrFile(String student) {
        return qrDir.resolve(student + ".png");
    }

    private static String read(Path file) throws AdminFailure {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, file + ": no such file", e);
        } catch (IOException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "cannot read " + file + " as UTF-8: " + e.getMessage(), e);
        }
    }
}
