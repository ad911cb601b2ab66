package dev.codebound.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Exact CPU and peak RSS of processes, from outside them: each runs as the child of {@code rusage.py}
 * (a resource of this jar), which reaps it with {@code wait4()} and appends its usage to a log. The peer
 * scripts start their own client and server; {@link #shimPath} puts {@code rclone} and {@code node} shims
 * first on PATH so that every one of those processes is measured without changing the scripts, and the
 * scripts' own helpers (bash, python port probes, {@code find}) are left out of the count.
 */
final class Rusage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;
    private final Path shims;

    private Rusage(Path script, Path shims) {
        this.script = script;
        this.shims = shims;
    }

    /** Writes {@code rusage.py} and the {@code rclone} and {@code node} shims into {@code directory}. */
    static Rusage install(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path script = directory.resolve("rusage.py");
        try (InputStream in = Rusage.class.getResourceAsStream("/sidebyside/rusage.py")) {
            if (in == null) {
                throw new IOException("rusage.py is missing from the bench jar; rebuild it");
            }
            Files.write(script, in.readAllBytes());
        }
        Path shims = Files.createDirectories(directory.resolve("shims"));
        for (String program : List.of("rclone", "node")) {
            Path real = Prerequisites.onPath(program)
                    .orElseThrow(() -> new IOException(program + " is not on PATH"));
            Path shim = shims.resolve(program);
            Files.writeString(shim, "#!/bin/sh\nexec python3 " + script + " " + real + " \"$@\"\n",
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new Rusage(script, shims);
    }

    /** {@code command} prefixed so that {@code rusage.py} runs it and logs its usage. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("python3", script.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Sets the environment so that measured processes log to {@code log}, with the shims first on PATH. */
    void configure(Map<String, String> environment, Path log) {
        environment.put("SIDEBYSIDE_RUSAGE_LOG", log.toString());
        environment.put("PATH", shims + File.pathSeparator + environment.getOrDefault("PATH", ""));
    }

    /** Every process logged to {@code log}, in the order they exited. */
    static List<ProcessUsage> read(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<ProcessUsage> usages = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            List<String> argv = new ArrayList<>();
            node.get("argv").forEach(arg -> argv.add(arg.asText()));
            usages.add(new ProcessUsage(argv, node.get("wallSeconds").asDouble(),
                    node.get("userSeconds").asDouble() + node.get("systemSeconds").asDouble(),
                    node.get("maxRssKiB").asLong(), node.get("exit").asInt()));
        }
        return usages;
    }

    /** The one process of {@code usages} whose command line mentions {@code word}. */
    static ProcessUsage only(List<ProcessUsage> usages, String word, Path log) throws IOException {
        List<ProcessUsage> matching = usages.stream().filter(usage -> usage.mentions(word)).toList();
        if (matching.size() != 1) {
            throw new IOException("expected one process mentioning '" + word + "' in " + log + ", found "
                    + matching.size());
        }
        return matching.get(0);
    }
}
