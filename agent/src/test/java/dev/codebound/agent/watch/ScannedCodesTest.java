package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a damaged scanned-codes file (findings of {@code ScannedCodesFuzzTest}, docs/security-fuzzing.md). */
class ScannedCodesTest {
    @TempDir
    Path home;

    /**
     * The fuzzer's input {@code crash-c3d81b9c…}: the second entry has no codeId, so looking any
     * code up threw NullPointerException and stopped watch instead of saying what to do.
     */
    @Test
    void anEntryWithoutCodeIdIsReportedNotACrash() throws IOException {
        IOException refusal = assertThrows(IOException.class, () -> codes("""
                {"codes":[{"codeId":"7GQ2-KXlAA","scannedAt":"2013-06-01T09:00:00Z"},\
                {"t":"2027-06-027-06-01T09+05:12.5Z"}]}""").find("7GQ2-KX4M"));
        assertTrue(refusal.getMessage().contains("codes[0] lacks codeId, text or scannedAt"), refusal.getMessage());
        assertTrue(refusal.getMessage().endsWith("delete it and scan the codes again"), refusal.getMessage());
    }

    @Test
    void aNullEntryOrANullFileIsReportedNotACrash() throws IOException {
        assertTrue(assertThrows(IOException.class, () -> codes("{\"codes\":[null]}").find("A"))
                .getMessage().contains("codes[0] lacks codeId"));
        assertTrue(assertThrows(IOException.class, () -> codes("null").find("A"))
                .getMessage().contains("null instead of an object"));
    }

    @Test
    void aCompleteEntryIsFound() throws IOException {
        ScannedCodes codes = codes("""
                {"codes":[{"codeId":"7GQ2-KX4M","text":"CB1:7GQ2-KX4M.AAAA","scannedAt":"2027-06-01T09:00:00Z"}]}""");
        assertEquals("CB1:7GQ2-KX4M.AAAA", codes.find("7GQ2-KX4M").orElseThrow().text());
        assertTrue(codes.find("H3PA-9ZQW").isEmpty());
    }

    /**
     * The codes are kept in memory between lookups (a parse per photo was a quarter of capture's
     * CPU), yet a code another process remembers meanwhile (e.g. {@code code verify --remember}
     * beside a running watch) is found: the file is read again once it was replaced.
     */
    @Test
    void aCodeAnotherProcessWroteIsFoundDespiteTheCache() throws IOException {
        ScannedCodes watching = codes("""
                {"codes":[{"codeId":"7GQ2-KX4M","text":"CB1:7GQ2-KX4M.AAAA","scannedAt":"2027-06-01T09:00:00Z"}]}""");
        assertTrue(watching.find("H3PA-9ZQW").isEmpty());
        Files.writeString(home.resolve("scanned-codes.json.new"), """
                {"codes":[{"codeId":"7GQ2-KX4M","text":"CB1:7GQ2-KX4M.AAAA","scannedAt":"2027-06-01T09:00:00Z"},
                {"codeId":"H3PA-9ZQW","text":"CB1:H3PA-9ZQW.BBBB","scannedAt":"2027-06-01T09:01:00Z"}]}""",
                StandardCharsets.UTF_8);
        // Replaced as every writer replaces it: a new file renamed over the old one.
        Files.move(home.resolve("scanned-codes.json.new"), home.resolve("scanned-codes.json"),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertEquals("CB1:H3PA-9ZQW.BBBB", watching.find("H3PA-9ZQW").orElseThrow().text());
    }

    private ScannedCodes codes(String json) throws IOException {
        Path file = home.resolve("scanned-codes.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return new ScannedCodes(file);
    }
}
