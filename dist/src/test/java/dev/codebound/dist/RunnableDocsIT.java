package dev.codebound.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell blocks that README.md and docs/*.md mark runnable run verbatim, against real registry
 * processes, as a reader who follows the page would run them (see docs/runnable-docs.md).
 *
 * <p>Each document's blocks run in order as one bash script, in a fresh directory laid out like the
 * repository root (the built jars and the sample files at their repository paths), with the station
 * installation's {@code bin/} on the {@code PATH}. The script runs inside private network and PID
 * namespaces: only loopback exists, so the fixed ports the documents name (8080, 8443) are used exactly
 * as written without clashing with anything else on the machine, and every process the page started in
 * the background dies with the namespace. Since no two documents can meet, they all run at once.
 */
class RunnableDocsIT {
    private static final Path REPOSITORY = Path.of(System.getProperty("codebound.repository")).normalize();
    private static final Path INSTALLATION = Path.of(System.getProperty("codebound.installation"));
    /** Build outputs the documents name by their repository path; linked, since pages only read them. */
    private static final List<String> LINKED = List.of("mock-server/target/codebound-mock-server.jar",
            "agent/target/codebound-agent.jar");
    /** Sample files the documents use; copied, so a page can never change the repository's. */
    private static final List<String> COPIED = List.of("docs/samples");
    /** Commands the documents use besides bash and the project's own. */
    private static final List<String> TOOLS = List.of("curl", "jq", "openssl", "python3", "base64", "ip");
    private static final String LOOPBACK_UP = "ip link set lo up";
    /** Private network and PID namespaces: as root, or else as a user namespace's root where allowed. */
    private static final List<List<String>> NAMESPACES = List.of(
            List.of("unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child"),
            List.of("unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--mount-proc",
                    "--kill-child"));
    /** A safety net for a page that hangs, far above what a page takes even on a loaded machine (~2.5 min seen). */
    private static final long DOCUMENT_TIMEOUT_SECONDS = 300;
    private static final int OUTPUT_TAIL_LINES = 40;

    @TempDir
    Path scratch;

    @TestFactory
    Stream<DynamicTest> everyRunnableBlockRunsAsWritten() throws IOException {
        Map<String, List<RunnableBlocks.Block>> documents = runnableDocuments();
        assertFalse(documents.isEmpty(), "no document has a block marked ```sh " + RunnableBlocks.MARKER);
        List<String> missing = TOOLS.stream().filter(tool -> !onPath(tool)).toList();
        assumeTrue(missing.isEmpty(), "the documents' commands need " + missing + ", which this machine lacks");
        List<String> namespace = NAMESPACES.stream().filter(RunnableDocsIT::works).findFirst().orElse(null);
        assumeTrue(namespace != null, "cannot create private network and PID namespaces here (unshare needs root "
                + "or unprivileged user namespaces), so the documents' fixed ports could clash: not run");
        // All at once: each document has namespaces of its own, so their ports and processes cannot meet.
        List<DocumentRun> runs = new ArrayList<>();
        for (Map.Entry<String, List<RunnableBlocks.Block>> document : documents.entrySet()) {
            runs.add(start(namespace, document.getKey(), document.getValue()));
        }
        return runs.stream().map(run -> dynamicTest(run.document(), run::assertSucceeded));
    }

    /** README.md and docs/*.md that have runnable blocks, by repository path; parse errors fail here. */
    private static Map<String, List<RunnableBlocks.Block>> runnableDocuments() throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(REPOSITORY.resolve("README.md")));
        try (Stream<Path> docs = Files.list(REPOSITORY.resolve("docs"))) {
            docs.filter(path -> path.getFileName().toString().endsWith(".md")).sorted().forEach(candidates::add);
        }
        Map<String, List<RunnableBlocks.Block>> documents = new LinkedHashMap<>();
        for (Path candidate : candidates) {
            List<RunnableBlocks.Block> blocks = RunnableBlocks.of(candidate);
            if (!blocks.isEmpty()) {
                documents.put(REPOSITORY.relativize(candidate).toString(), blocks);
            }
        }
        return documents;
    }

    private DocumentRun start(List<String> namespace, String document, List<RunnableBlocks.Block> blocks)
            throws IOException {
        Path root = Files.createTempDirectory(scratch, document.replace('/', '-') + "-");
        Path work = layOutRepository(Files.createDirectory(root.resolve("work")));
        Path home = Files.createDirectory(root.resolve("home"));
        Path harness = Files.createDirectory(root.resolve("harness"));
        Path script = DocumentScript.write(harness, document, blocks);
        Path output = harness.resolve("output.log");

        List<String> command = new ArrayList<>(namespace);
        command.addAll(List.of("bash", "-c", LOOPBACK_UP + " && exec bash \"$0\"", script.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        String inheritedPath = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        environment.clear();
        String javaHome = System.getProperty("java.home");
        environment.put("PATH", INSTALLATION.resolve("bin") + ":" + Path.of(javaHome, "bin") + ":" + inheritedPath);
        environment.put("JAVA_HOME", javaHome);
        environment.put("HOME", home.toString());
        environment.put("LANG", "C.UTF-8");
        return new DocumentRun(document, builder.start(), System.nanoTime(), output, work);
    }

    /** One document's script, running. */
    private record DocumentRun(String document, Process process, long startedNanos, Path output, Path work) {
        void assertSucceeded() throws Exception {
            try {
                long deadline = startedNanos + TimeUnit.SECONDS.toNanos(DOCUMENT_TIMEOUT_SECONDS);
                if (!process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    fail(document + ": still running after " + DOCUMENT_TIMEOUT_SECONDS
                            + " s; the output ended with:\n" + tail(output));
                }
                if (process.exitValue() != 0) {
                    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                    String failed = DocumentScript.failure(lines)
                            .orElse(document + ": exit status " + process.exitValue());
                    fail(failed + "; the output ended with:\n" + tail(output));
                }
            } finally {
                // The links point into the build: remove them so that deleting the scratch never follows them.
                for (String file : LINKED) {
                    Files.deleteIfExists(work.resolve(file));
                }
            }
        }
    }

    /** A directory laid out like the repository root, as far as the documents use it. */
    private static Path layOutRepository(Path work) throws IOException {
        for (String file : LINKED) {
            Path source = REPOSITORY.resolve(file);
            if (!Files.isRegularFile(source)) {
                fail(source + " is not built; the documents run after 'mvn package'");
            }
            Path link = work.resolve(file);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, source);
        }
        for (String directory : COPIED) {
            Path source = REPOSITORY.resolve(directory);
            try (Stream<Path> files = Files.walk(source)) {
                files.forEach(path -> copy(path, work.resolve(directory).resolve(source.relativize(path).toString())));
            }
        }
        return work;
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.isDirectory(from)) {
                Files.createDirectories(to);
            } else {
                Files.copy(from, to);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size()));
    }

    private static boolean onPath(String tool) {
        return succeeds(List.of("sh", "-c", "command -v " + tool));
    }

    private static boolean works(List<String> namespace) {
        List<String> probe = new ArrayList<>(namespace);
        probe.addAll(List.of("sh", "-c", LOOPBACK_UP));
        return succeeds(probe);
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
