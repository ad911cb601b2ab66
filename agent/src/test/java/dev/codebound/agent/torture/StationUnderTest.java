package dev.codebound.agent.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import dev.codebound.agent.station.StationHome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A station home driven as a photographer would: commands in this JVM for setup and checks, and
 * {@code capture} / {@code upload} as separate JVMs that may be killed. Also reads the home's files
 * the way the spool's own recovery would, to know what a killed process left behind.
 */
final class StationUnderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an in-process command printed. */
    record Result(int exitCode, String out, String err) {
        String both() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private final Path home;
    private final Map<String, String> environment;

    StationUnderTest(Path home) {
        this.home = home;
        this.environment = Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString());
    }

    Path home() {
        return home;
    }

    StationHome station() {
        return new StationHome(home);
    }

    Path spoolEntries() {
        return station().spool().resolve("entries");
    }

    /** Runs a command in this JVM with the station's environment plus {@code extra}. */
    Result run(Map<String, String> extra, String... args) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.putAll(extra);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = AgentCommand.commandLine(new AgentEnvironment(variables,
                new ByteArrayInputStream(new byte[0]), false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    /** Starts a command as a separate JVM whose output goes to {@code log}. */
    Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(JavaChild.command(AgentCommand.class.getName(), "192m"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * The code ids of the envelopes in the spool, as the spool's recovery will see them: an entry
     * directory counts once its envelope file is in it (meta.json is written before the envelope is
     * renamed in; an entry without its envelope is removed on the next open).
     */
    Map<String, String> spooledEnvelopesByEntry() throws IOException {
        Map<String, String> result = new HashMap<>();
        if (!Files.isDirectory(spoolEntries())) {
            return result;
        }
        try (Stream<Path> list = Files.list(spoolEntries())) {
            for (Path entry : list.filter(Files::isDirectory).toList()) {
                if (Files.exists(entry.resolve("envelope.cms"))) {
                    readCodeId(entry).ifPresent(code -> result.put(entry.getFileName().toString(), code));
                }
            }
        }
        return result;
    }

    Set<String> spooledCodes() throws IOException {
        return new HashSet<>(spooledEnvelopesByEntry().values());
    }

    private static Optional<String> readCodeId(Path entry) {
        try {
            JsonNode meta = JSON.readTree(entry.resolve("meta.json").toFile());
            return Optional.of(meta.get("codeId").asText());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The entry's state as last written (not repaired), or empty when it has no readable state yet. */
    Optional<String> state(String entryId) {
        try {
            return Optional.of(JSON.readTree(spoolEntries().resolve(entryId).resolve("state.json").toFile())
                    .get("state").asText());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether every spooled envelope is DELIVERED and its verified receipt is archived. */
    boolean everythingDelivered() throws IOException {
        for (String entry : spooledEnvelopesByEntry().keySet()) {
            if (!state(entry).equals(Optional.of("DELIVERED")) || !Files.exists(station().receipt(entry))) {
                return false;
            }
        }
        return true;
    }

    /** Entries waiting for an operator (REJECTED, CORRUPT): the torture never expects any. */
    List<String> entriesNeedingAnOperator() throws IOException {
        List<String> result = new ArrayList<>();
        for (String entry : spooledEnvelopesByEntry().keySet()) {
            Optional<String> state = state(entry);
            if (state.equals(Optional.of("REJECTED")) || state.equals(Optional.of("CORRUPT"))) {
                result.add(entry + " " + state.get());
            }
        }
        return result;
    }

    /** Number of files directly in {@code directory} (0 when it does not exist). */
    static int count(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(directory)) {
            return (int) list.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Number of spool entries whose state is written. */
    int entriesWithState() {
        return count("state.json");
    }

    /** Number of spool entries holding a receipt file. */
    int receiptsInSpool() {
        return count("receipt.json");
    }

    private int count(String file) {
        if (!Files.isDirectory(spoolEntries())) {
            return 0;
        }
        try (Stream<Path> list = Files.list(spoolEntries())) {
            return (int) list.filter(entry -> Files.exists(entry.resolve(file))).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
