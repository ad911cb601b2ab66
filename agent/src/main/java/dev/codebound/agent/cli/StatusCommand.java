package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.spool.SpoolStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code status}: what the spool holds and what went wrong. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the spool: entries queued, in flight, delivered, rejected (with the registry's "
                + "reason), failed (with the last error), corrupt; bytes pending, the last error, delivered "
                + "entries whose receipt has not verified, and one line per entry not delivered (the ids that "
                + "'retry', 'remove' and 'withdraw' take). Reads a snapshot without locking, so it works while an "
                + "upload runs.",
            "Exit codes: 0 shown (whatever the entries' states)."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<SpoolEntry> entries = Spool.peek(home.home().spool());
        SpoolStatus status = SpoolStatus.of(entries);
        // Delivered but not proven: the receipt did not verify (yet); 'upload' checks it again every run.
        long unverified = entries.stream().filter(entry -> entry.state() == EntryState.DELIVERED
                && Files.notExists(home.home().receipt(entry.id()))).count();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            ObjectNode counts = node.putObject("counts");
            status.counts().forEach((state, count) -> counts.put(state.name().toLowerCase(Locale.ROOT), count));
            node.put("entries", status.entries()).put("bytesPending", status.bytesPending());
            node.put("deliveredWithoutVerifiedReceipt", unverified);
            node.put("lastError", status.lastError()).put("lastErrorEntry", status.lastErrorEntry())
                    .put("lastErrorAt", status.lastErrorAt() == null ? null : status.lastErrorAt().toString());
            ArrayNode attention = node.putArray("attention");
            for (SpoolEntry entry : needingAttention(entries)) {
                attention.addObject().put("entry", entry.id()).put("state", entry.state().name())
                        .put("filename", entry.info().filename()).put("codeId", entry.info().codeId())
                        .put("reason", entry.lastError())
                        .put("nextAttemptAt", entry.nextAttemptAt() == null ? null : entry.nextAttemptAt().toString());
            }
            ArrayNode undelivered = node.putArray("undelivered");
            for (SpoolEntry entry : undelivered(entries)) {
                undelivered.addObject().put("entry", entry.id()).put("state", entry.state().name())
                        .put("filename", entry.info().filename()).put("codeId", entry.info().codeId())
                        .put("spooledAt", entry.info().createdAt().toString()).put("bytes", entry.info().length())
                        .put("acknowledgedBytes", entry.acknowledgedOffset()).put("reason", entry.lastError())
                        .put("nextAttemptAt", entry.nextAttemptAt() == null ? null : entry.nextAttemptAt().toString());
            }
            out.println(node);
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "queued %d, in flight %d, delivered %d, rejected %d, failed %d, corrupt %d%n",
                status.count(EntryState.QUEUED), status.count(EntryState.CREATED) + status.count(EntryState.IN_FLIGHT),
                status.count(EntryState.DELIVERED), status.count(EntryState.REJECTED),
                status.count(EntryState.FAILED), status.count(EntryState.CORRUPT));
        out.println("bytes pending: " + status.bytesPending());
        if (unverified > 0) {
            out.println("delivered without a verified receipt: " + unverified + " (see 'upload')");
        }
        if (status.lastError() != null) {
            out.println("last error: " + status.lastError() + " (entry " + Spool.shortId(status.lastErrorEntry())
                    + ", " + status.lastErrorAt() + ")");
        }
        for (SpoolEntry entry : undelivered(entries)) {
            out.printf(Locale.ROOT, "  %-8s %s %s: %s%s%n", entry.state().name().toLowerCase(Locale.ROOT),
                    Spool.shortId(entry.id()), entry.info().filename(), standing(entry),
                    entry.nextAttemptAt() == null ? "" : " (next attempt " + entry.nextAttemptAt() + ")");
        }
        return ExitCodes.OK;
    }

    /** Every entry not delivered, oldest first: what an operator may still retry, remove or withdraw. */
    private static List<SpoolEntry> undelivered(List<SpoolEntry> entries) {
        return entries.stream().filter(entry -> entry.state() != EntryState.DELIVERED).toList();
    }

    private static String standing(SpoolEntry entry) {
        if (entry.lastError() != null) {
            return entry.lastError();
        }
        return entry.state() == EntryState.QUEUED ? "waiting for the next upload (spooled " + entry.info().createdAt()
                + ")" : entry.acknowledgedOffset() + " of " + entry.info().length() + " bytes acknowledged";
    }

    private static List<SpoolEntry> needingAttention(List<SpoolEntry> entries) {
        return entries.stream().filter(entry -> entry.state() == EntryState.REJECTED
                || entry.state() == EntryState.FAILED || entry.state() == EntryState.CORRUPT).toList();
    }
}
