package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a real process: SIGTERM stops it cleanly (the open pairing is closed and recorded,
 * the exit is the JVM's for SIGTERM), and after kill -9 the next start recovers the spool and
 * delivers what was sealed, with a transfer log that still verifies.
 */
class ServeRestartTest {
    private static final Pattern URL = Pattern.compile("desk page: (http://\\S+/)");

    @TempDir
    Path dir;

    /** A {@code serve} child process with the station's environment, its output collected. */
    private static final class Serve {
        private final Process process;
        private final Thread reader;
        private final List<String> lines = new ArrayList<>();

        Serve(TestStation station, Path folder) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Djava.awt.headless=true",
                    "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName(), "serve",
                    "--folder=" + folder, "--port=0", "--poll=50", "--settle=100", "--upload-every=1"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(station.environment());
            process = builder.start();
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException ended) {
                    // The process is gone.
                }
            }, "serve output");
            reader.setDaemon(true);
            reader.start();
        }

        String url() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    for (String line : lines) {
                        Matcher matcher = URL.matcher(line);
                        if (matcher.find()) {
                            return matcher.group(1);
                        }
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
            fail("serve did not start its page: " + output());
            return null;
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /**
         * Sends SIGTERM as systemd does. Through the process handle: Process.destroy() would also close
         * the pipes, and the lines the desk prints while it stops would be lost.
         */
        void terminate() {
            process.toHandle().destroy();
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("serve did not stop: " + output());
            }
            reader.join(10_000);
            return process.exitValue();
        }
    }

    private static void shoot(Path folder, String name, byte[] photo) throws IOException {
        Path partial = folder.resolve("." + name + ".part");
        Files.write(partial, photo);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitGone(Path photo) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.exists(photo)) {
            if (System.nanoTime() > deadline) {
                fail(photo + " never left the hot folder");
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode entry(JsonNode state, String codeId) {
        return StreamSupport.stream(state.get("queue").spliterator(), false)
                .filter(entry -> entry.get("codeId").asText().equals(codeId)).findFirst().orElse(null);
    }

    private static DeskClient login(Serve serve, TestStation station) throws Exception {
        return DeskClient.login(serve.url(), Files.readString(station.station().deskToken()).strip());
    }

    @Test
    void sigtermStopsCleanlyAndAfterKillNineTheNextStartDelivers() throws Exception {
        try (CodeboundRegistry registry = CodeboundRegistry.builder().dataDir(dir.resolve("registry")).start()) {
            TestStation station = TestStation.enrolled(TestStation.in(dir.resolve("station")), registry);
            Path folder = Files.createDirectories(dir.resolve("camera"));

            Serve first = new Serve(station, folder);
            DeskClient page = login(first, station);
            IssuedCode one = registry.issueCode();
            page.scan(one.text());
            page.awaitState(state -> one.codeId().equals(state.at("/pairing/codeId").asText(null)), "a pairing");
            shoot(folder, "IMG_0001.jpg", SamplePhotos.good(31));
            page.awaitState(state -> state.at("/photo/verdict").asText().equals("accepted"), "the verdict");
            IssuedCode open = registry.issueCode();
            page.scan(open.text());
            page.awaitState(state -> open.codeId().equals(state.at("/pairing/codeId").asText(null)),
                    "a pairing left open at the stop");
            first.terminate();
            assertEquals(143, first.awaitExit(), "the JVM's exit for SIGTERM, after the clean stop: "
                    + first.output());
            assertTrue(first.output().contains("desk stopped"), first.output());

            Serve second = new Serve(station, folder);
            page = login(second, station);
            assertTrue(page.state().at("/pairing/codeId").isNull(), "a pairing never survives a restart");
            IssuedCode two = registry.issueCode();
            page.scan(two.text());
            page.awaitState(state -> two.codeId().equals(state.at("/pairing/codeId").asText(null)), "a pairing");
            shoot(folder, "IMG_0002.jpg", SamplePhotos.good(32));
            page.awaitState(state -> entry(state, two.codeId()) != null, "the second photo spooled");
            // The desk shows an entry as soon as it is queued; it is durable once the photo has left the folder.
            awaitGone(folder.resolve("IMG_0002.jpg"));
            second.process.destroyForcibly();
            second.awaitExit();

            Serve third = new Serve(station, folder);
            page = login(third, station);
            JsonNode delivered = page.awaitState(state -> entry(state, one.codeId()) != null
                    && entry(state, two.codeId()) != null
                    && entry(state, one.codeId()).get("state").asText().equals("delivered")
                    && entry(state, two.codeId()).get("state").asText().equals("delivered"),
                    "both photos delivered after the kill -9");
            for (String codeId : List.of(one.codeId(), two.codeId())) {
                assertTrue(Files.exists(station.station().receipt(entry(delivered, codeId).get("entry").asText())));
            }
            third.terminate();
            assertEquals(143, third.awaitExit(), third.output());
            CliRun audit = station.run("audit", "verify");
            assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
        }
    }
}
