package dev.codebound.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The peers' ready scripts ({@code rclone-run.sh} with {@code BACKEND=sftp}, {@code tus-run.sh} with
 * {@code --creation-with-upload}), run unchanged on the photo folder. Each starts its server on a free
 * loopback port and times only the transfer; the {@code rclone} and {@code node} shims of {@link Rusage}
 * measure the client and the server process each script starts.
 */
final class Peers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path scripts;
    private final int parallel;
    private final Rusage rusage;
    private final Path logs;

    Peers(Path scripts, int parallel, Rusage rusage, Path logs) {
        this.scripts = scripts;
        this.parallel = parallel;
        this.rusage = rusage;
        this.logs = logs;
    }

    /**
     * rclone copy through a crypt remote onto {@code rclone serve sftp}, {@code parallel} transfers. The time
     * is the {@code rclone copy} process's, start to exit, as the script times it but without the shim's own
     * start-up, which falls inside the script's timed span.
     */
    Measurement rclone(int round, Path photos) throws IOException, InterruptedException {
        return measure(Subject.RCLONE, round, command("rclone-run.sh", photos), "copy", "serve", true);
    }

    /**
     * tus-js-client, {@code parallel} uploads at once with creation-with-upload, onto @tus/server. The time is
     * the one {@code upload.mjs} measures itself: the uploads, without Node's start-up or the final HEAD checks.
     */
    Measurement tus(int round, Path photos) throws IOException, InterruptedException {
        return measure(Subject.TUS, round, command("tus-run.sh", photos), "upload.mjs", "server.mjs", false);
    }

    /** fsync plus fdatasync calls of one whole run of the subject's script, its server included. */
    long fsyncs(Subject subject, Path photos) throws IOException, InterruptedException {
        String script = subject == Subject.RCLONE ? "rclone-run.sh" : "tus-run.sh";
        String name = subject.name().toLowerCase(Locale.ROOT) + "-fsync";
        Path summary = logs.resolve(name + ".strace");
        run(FsyncCount.traced(summary, command(script, photos)), null, logs.resolve(name + ".out"));
        return FsyncCount.count(summary);
    }

    private List<String> command(String script, Path photos) {
        List<String> command = new ArrayList<>(List.of("bash", scripts.resolve(script).toString(), photos.toString(),
                Integer.toString(parallel)));
        if (script.equals("tus-run.sh")) {
            command.addAll(List.of("--", "--creation-with-upload"));
        }
        return command;
    }

    private Measurement measure(Subject subject, int round, List<String> command, String client, String server,
            boolean timeClientProcess) throws IOException, InterruptedException {
        String load = Proc.loadAverage();
        String name = subject.name().toLowerCase(Locale.ROOT) + "-r" + round;
        Path log = logs.resolve(name + ".rusage");
        JsonNode result = run(command, log, logs.resolve(name + ".out"));
        List<ProcessUsage> usages = Rusage.read(log);
        ProcessUsage clientUsage = Rusage.only(usages, client, log);
        ProcessUsage serverUsage = Rusage.only(usages, server, log);
        double seconds = timeClientProcess ? clientUsage.wallSeconds() : result.get("elapsed_s").asDouble();
        return new Measurement(subject, round, result.get("files").asInt(), seconds,
                clientUsage.cpuSeconds(), serverUsage.cpuSeconds(), clientUsage.maxRssKiB(),
                serverUsage.maxRssKiB(), load);
    }

    /** Runs a script from the peers' folder; returns its last output line, the JSON result it prints. */
    private JsonNode run(List<String> command, Path rusageLog, Path output) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(scripts.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("BACKEND", "sftp");
        if (rusageLog != null) {
            rusage.configure(environment, rusageLog);
        }
        int exit = builder.start().waitFor();
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (exit != 0 || !last.startsWith("{")) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + exit + "; its output is in "
                    + output);
        }
        return JSON.readTree(last);
    }
}
