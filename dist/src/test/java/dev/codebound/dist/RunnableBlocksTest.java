package dev.codebound.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunnableBlocksTest {
    @Test
    void onlyShellBlocksMarkedRunnableAreTakenWithTheLineOfTheirFirstCommand() {
        List<String> page = List.of(
                "# Title",                 // 1
                "```sh",                   // 2
                "mvn verify",              // 3
                "```",                     // 4
                "```sh runnable",          // 5
                "echo one",                // 6
                "echo two",                // 7
                "```",                     // 8
                "```json",                 // 9
                "{\"a\": 1}",              // 10
                "```",                     // 11
                "~~~bash runnable",        // 12
                "echo three",              // 13
                "~~~");                    // 14
        List<RunnableBlocks.Block> blocks = RunnableBlocks.parse("page.md", page);
        assertEquals(List.of(new RunnableBlocks.Block(6, "echo one\necho two\n"),
                new RunnableBlocks.Block(13, "echo three\n")), blocks);
    }

    @Test
    void aFenceInsideALongerFenceIsText() {
        List<String> page = List.of("````sh runnable", "cat <<'EOF'", "```", "EOF", "````");
        assertEquals(List.of(new RunnableBlocks.Block(2, "cat <<'EOF'\n```\nEOF\n")),
                RunnableBlocks.parse("page.md", page));
    }

    @Test
    void inlineCodeAtTheStartOfALineIsNoFence() {
        List<String> page = List.of("```` ```sh runnable ```` marks a block.", "```sh runnable", "echo", "```");
        assertEquals(List.of(new RunnableBlocks.Block(3, "echo\n")), RunnableBlocks.parse("page.md", page));
    }

    @Test
    void aMisspeltMarkerIsRefusedWithItsLine() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RunnableBlocks.parse("docs/page.md", List.of("text", "```sh runable", "echo", "```")));
        assertTrue(refused.getMessage().startsWith("docs/page.md:2: unknown code fence info string 'sh runable'"),
                refused.getMessage());
    }

    @Test
    void theMarkerOnAnotherLanguageIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> RunnableBlocks.parse("page.md", List.of("```python runnable", "print(1)", "```")));
    }

    @Test
    void aFenceThatIsNeverClosedIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RunnableBlocks.parse("page.md", List.of("```sh runnable", "echo")));
        assertEquals("page.md:1: this code fence is never closed", refused.getMessage());
    }
}
