package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.audit.LogExport;
import dev.codebound.agent.audit.LogReader;
import dev.codebound.agent.audit.TransferRecord;
import dev.codebound.protocol.io.DurableFiles;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit export}: the log's records for a SIEM. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the transfer log's records, optionally within a time window, as JSON Lines (exactly "
                + "as stored, so hashes can be re-checked) or CSV. Does not verify: run 'audit verify' for that.",
            "Exit codes: 0 written, 9 a line is not a well-formed record, 3 no transfer log."})
final class AuditExportCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Mixin
    TimeWindowOptions window;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "jsonl or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write to FILE (atomically) instead of standard output. Default: standard output.")
    Path out;

    @Option(names = "--json", description = "With --out: print what was written as one JSON object (without "
            + "--out the export itself is on standard output).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LogExport.Format chosen = switch (format) {
            case "jsonl" -> LogExport.Format.JSONL;
            case "csv" -> LogExport.Format.CSV;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be jsonl or csv, not '" + format + "'");
        };
        if (json && out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json describes an export "
                    + "written with --out FILE; without --out the export itself is on standard output");
        }
        List<TransferRecord> records;
        try {
            records = LogReader.read(home.home(), window.range(spec));
        } catch (LogReader.UnreadableLogException e) {
            throw new AgentFailure(ExitCodes.AUDIT_FAILED, e.getMessage(), e);
        }
        if (out == null) {
            PrintWriter writer = spec.commandLine().getOut();
            LogExport.write(records, chosen, writer);
            writer.flush();
        } else {
            DurableFiles.write(out, false, stream -> {
                Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                LogExport.write(records, chosen, writer);
                writer.flush();
            });
            if (json) {
                spec.commandLine().getOut().println(new ObjectMapper().createObjectNode()
                        .put("out", out.toAbsolutePath().toString()).put("format", format)
                        .put("records", records.size())
                        .put("firstSeq", records.isEmpty() ? null : records.get(0).seq())
                        .put("lastSeq", records.isEmpty() ? null : records.get(records.size() - 1).seq()));
            }
        }
        return ExitCodes.OK;
    }
}
