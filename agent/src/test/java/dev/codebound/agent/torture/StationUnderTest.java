package dev.codebound.agent.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.upload.ReceiptArchive;
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
    /** What an in-process command printed. */
    record Result(int exitCode, String out, String err) {
        String both() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** The spool's envelope files: sealed, committed or not. */
    Path spoolEnvelopes() {
        return station().spool().resolve("envelopes");
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
     * The code ids of the envelopes in the spool, by entry, as the spool's recovery will see them:
     * the entries whose records are durable in its journal (a torn record being written by a
     * killed process is not one; an envelope file without a record is deleted on the next open).
     */
    Map<String, String> spooledEnvelopesByEntry() throws IOException {
        Map<String, String> result = new HashMap<>();
        // The spool first: an entry the retention sweep lets go after this read has its receipt archived already.
        for (SpoolEntry entry : Spool.peek(station().spool())) {
            result.put(entry.id(), entry.info().codeId());
        }
        for (String entry : settledEntries(result.keySet())) {
            JsonNode capture = captureRecords().get(entry);
            result.put(entry, capture == null ? "(no capture record)" : capture.path("codeId").asText());
        }
        return result;
    }

    /**
     * Entries the retention sweep let leave the spool once delivered: their receipts are archived
     * and the spool (as read into {@code inSpool}) no longer holds them.
     */
    Set<String> settledEntries(Set<String> inSpool) throws IOException {
        Set<String> settled = new HashSet<>(ReceiptArchive.archivedEntries(station().receipts()));
        settled.removeAll(inSpool);
        return settled;
    }

    /** The transfer log's {@code captured} records by entry id (a torn last line is skipped). */
    Map<String, JsonNode> captureRecords() throws IOException {
        Map<String, JsonNode> captures = new HashMap<>();
        Path log = station().log().resolve("transfer-log.jsonl");
        if (!Files.exists(log)) {
            return captures;
        }
        for (String line : Files.readAllLines(log)) {
            if (line.contains("\"event\":\"captured\"")) {
                try {
                    JsonNode record = JSON.readTree(line);
                    captures.put(record.path("entryId").asText(), record);
                } catch (IOException torn) {
                    // a line a killed process was writing
                }
            }
        }
        return captures;
    }

    Set<String> spooledCodes() throws IOException {
        return new HashSet<>(spooledEnvelopesByEntry().values());
    }

    /**
     * The entry's state as its journal holds it (not repaired), DELIVERED for an entry that left the
     * spool once settled ({@link #settledEntries}), or empty when it is neither.
     */
    Optional<String> state(String entryId) {
        try {
            List<SpoolEntry> entries = Spool.peek(station().spool());
            Optional<String> state = entries.stream().filter(entry -> entry.id().equals(entryId)).findFirst()
                    .map(entry -> entry.state().name());
            if (state.isEmpty() && settledEntries(ids(entries)).contains(entryId)) {
                return Optional.of(EntryState.DELIVERED.name());
            }
            return state;
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The entry's length as recorded in the spool, or in its capture record once it left the spool. */
    long envelopeLength(String entryId) throws IOException {
        Optional<SpoolEntry> spooled = Spool.peek(station().spool()).stream()
                .filter(entry -> entry.id().equals(entryId)).findFirst();
        if (spooled.isPresent()) {
            return spooled.get().info().length();
        }
        return captureRecords().get(entryId).path("envelopeLength").asLong();
    }

    /** The ids of the entries the spool's journal holds now. */
    Set<String> entriesInSpool() throws IOException {
        return ids(Spool.peek(station().spool()));
    }

    private static Set<String> ids(List<SpoolEntry> entries) {
        Set<String> ids = new HashSet<>();
        entries.forEach(entry -> ids.add(entry.id()));
        return ids;
    }

    /** The receipts the spool holds, by entry id. */
    Map<String, byte[]> receiptsInSpoolByEntry() throws IOException {
        return Spool.peekReceipts(station().spool());
    }

    /** Whether every spooled envelope is DELIVERED and its verified receipt is archived. */
    boolean everythingDelivered() throws IOException {
        for (SpoolEntry entry : Spool.peek(station().spool())) {
            if (entry.state() != EntryState.DELIVERED || !Files.exists(station().receipt(entry.id()))) {
                return false;
            }
        }
        return true;
    }

    /** Entries delivered with their verified receipt archived: those whose envelope retention deletes at once. */
    int entriesDeliveredAndArchived() throws IOException {
        int count = 0;
        for (SpoolEntry entry : Spool.peek(station().spool())) {
            if (entry.state() == EntryState.DELIVERED && Files.exists(station().receipt(entry.id()))) {
                count++;
            }
        }
        return count;
    }

    /** Entries waiting for an operator (REJECTED, CORRUPT): the torture never expects any. */
    List<String> entriesNeedingAnOperator() throws IOException {
        List<String> result = new ArrayList<>();
        for (SpoolEntry entry : Spool.peek(station().spool())) {
            if (entry.state().needsOperator()) {
                result.add(entry.id() + " " + entry.state());
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

    /** Number of spool entries durable in the journal. */
    int entriesInJournal() {
        try {
            return Spool.peek(station().spool()).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Number of spool entries holding a receipt. */
    int receiptsInSpool() {
        try {
            return Spool.peekReceipts(station().spool()).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Number of spool envelope files whose name ends with {@code suffix}. */
    int envelopeFiles(String suffix) {
        if (!Files.isDirectory(spoolEnvelopes())) {
            return 0;
        }
        try (Stream<Path> list = Files.list(spoolEnvelopes())) {
            return (int) list.filter(file -> file.getFileName().toString().endsWith(suffix)).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
