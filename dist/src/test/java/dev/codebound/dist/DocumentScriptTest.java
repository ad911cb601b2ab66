package dev.codebound.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentScriptTest {
    @TempDir
    Path directory;

    record Run(int exitCode, List<String> output) {}

    @Test
    void stateCarriesFromBlockToBlockAsForAReaderOfThePage() throws Exception {
        Run run = run(List.of(new RunnableBlocks.Block(10, "greeting=hello\ncd sub\n"),
                new RunnableBlocks.Block(20, "test \"$greeting\" = hello\ntest \"$(basename \"$PWD\")\" = sub\n")));
        assertEquals(0, run.exitCode(), String.join("\n", run.output()));
    }

    @Test
    void theFirstFailingCommandStopsThePageAndIsNamedByItsLineInTheDocument() throws Exception {
        Run run = run(List.of(new RunnableBlocks.Block(10, "true\n"),
                new RunnableBlocks.Block(20, "echo started\n(exit 3)\necho never\n")));
        assertEquals(3, run.exitCode());
        assertFalse(run.output().contains("never"), String.join("\n", run.output()));
        assertEquals(Optional.of("docs/page.md line 21: exit status 3: ( exit 3 )"),
                DocumentScript.failure(run.output()));
    }

    @Test
    void aFailureInsideAPipelineFailsThePage() throws Exception {
        Run run = run(List.of(new RunnableBlocks.Block(5, "false | cat\necho never\n")));
        assertEquals(1, run.exitCode());
        // bash names a pipeline by its last command; the line is what leads the writer to it.
        assertEquals(Optional.of("docs/page.md line 5: exit status 1: cat"), DocumentScript.failure(run.output()));
        assertFalse(run.output().contains("never"), String.join("\n", run.output()));
    }

    private Run run(List<RunnableBlocks.Block> blocks) throws Exception {
        Path harness = Files.createDirectory(directory.resolve("harness"));
        Path work = Files.createDirectories(directory.resolve("work/sub")).getParent();
        Path script = DocumentScript.write(harness, "docs/page.md", blocks);
        Process process = new ProcessBuilder("bash", script.toString()).directory(work.toFile())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), output.lines().toList());
    }
}
