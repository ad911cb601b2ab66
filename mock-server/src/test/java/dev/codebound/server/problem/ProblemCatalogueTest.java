package dev.codebound.server.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogue is the only source of problems: each entry is distinct and well formed, every
 * envelope failure the protocol library can report has its verdict, docs/registry-api.md lists
 * exactly the catalogue, and no server source writes a status and reason inline.
 */
class ProblemCatalogueTest {
    private static final Path DOC = Path.of("..", "docs", "registry-api.md");
    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final String BEGIN = "<!-- problem-catalogue:begin";
    private static final String END = "<!-- problem-catalogue:end -->";

    @Test
    void everyEntryIsDistinctAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (ProblemType type : ProblemType.values()) {
            assertTrue(type.code().matches("[A-Z][A-Z0-9_]*"), type + ": reason " + type.code());
            assertTrue(type.status() >= 400 && type.status() <= 599, type + ": status " + type.status());
            assertFalse(type.title().isBlank(), type + " has no title");
            assertTrue(seen.add(type.status() + " " + type.code()), "two entries answer " + type.status() + " "
                    + type.code());
        }
    }

    @Test
    void aProblemCarriesItsEntryAndTheDetail() {
        Problem problem = ProblemType.OFFSET_MISMATCH.problem("resume from 3", "/files/x");
        assertEquals(new Problem("urn:codebound:problem:offset-mismatch", "Upload-Offset does not match", 409,
                "resume from 3", "/files/x", "OFFSET_MISMATCH"), problem);
        Refusal refusal = new Refusal(ProblemType.CODE_UNKNOWN, "no code 'X'");
        assertEquals("/admin/v1/codes/X", refusal.problem("/admin/v1/codes/X").instance());
        assertEquals("/files/y", new Refusal(ProblemType.NO_SUCH_UPLOAD, "gone", "/files/y").problem("/other")
                .instance());
    }

    @Test
    void everyEnvelopeFailureHasAVerdict() {
        List<EnvelopeException> failures = new ArrayList<>();
        for (EnvelopeException.Reason reason : EnvelopeException.Reason.values()) {
            failures.add(new EnvelopeException(reason, "test"));
        }
        for (CodeException.Reason reason : CodeException.Reason.values()) {
            failures.add(new EnvelopeException(new CodeException(reason, "test")));
        }
        for (EnvelopeException failure : failures) {
            ProblemType verdict = ProblemType.ofEnvelope(failure);
            assertEquals(422, verdict.status(), verdict.toString());
            assertEquals("Envelope refused", verdict.title(), verdict.toString());
        }
        assertEquals(ProblemType.CODE_EXPIRED, ProblemType.ofEnvelope(new EnvelopeException(
                new CodeException(CodeException.Reason.EXPIRED, "expired"))));
    }

    @Test
    void theApiDocumentListsExactlyTheCatalogue() throws IOException {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, DOC + " lacks the catalogue markers");
        String documented = doc.substring(doc.indexOf('\n', begin) + 1, end).strip();
        String expected = Stream.concat(Stream.of("| status | reason | title |", "|---|---|---|"),
                Stream.of(ProblemType.values()).map(t -> "| " + t.status() + " | `" + t.code() + "` | " + t.title()
                        + " |")).collect(Collectors.joining("\n"));
        assertEquals(expected, documented, "the catalogue in " + DOC + " must be the catalogue in ProblemType, "
                + "in its order; paste the expected table between the markers");
    }

    @Test
    void noServerSourceWritesAProblemInline() throws IOException {
        List<String> inline = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (file.endsWith(Path.of("problem", "ProblemType.java"))) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("Problem.of(")) {
                        inline.add(file + ":" + (i + 1));
                    }
                }
            }
        }
        assertTrue(inline.isEmpty(), "name a ProblemType instead of Problem.of(status, reason, ...): " + inline);
    }
}
