package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.RetentionStatus;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolActivity;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.spool.SpoolStatus;
import dev.codebound.agent.upload.ReceiptArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
                + "upload runs; then it also says which process holds the spool and counts the entries it is "
                + "sending as in flight. Also how many readable photos the station holds (originals in the hot "
                + "folders' done/, refused photos in rejected/) and the oldest one's age, what is past its retention "
                + "deadline, and what the last retention sweep could not delete.",
            "Exit codes: 0 shown (whatever the entries' states)."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    @Override
    public Integer call() throws Exception {
        // The holder first: an entry it finishes between the two reads is then delivered, not counted twice.
        Optional<SpoolActivity.Snapshot> running = SpoolActivity.read(home.home().spool());
        List<SpoolEntry> entries = Spool.peek(home.home().spool());
        SpoolStatus status = SpoolStatus.of(entries);
        Set<String> sending = sending(running, entries);
        // Delivered but not proven: the receipt did not verify (yet); 'upload' checks it again every run.
        long unverified = entries.stream().filter(entry -> entry.state() == EntryState.DELIVERED
                && Files.notExists(home.home().receipt(entry.id()))).count();
        // Delivered entries the spool has forgotten (retention's sweep) are counted from their archived receipts.
        long settled = settledDeliveries(entries);
        RetentionStatus retention = RetentionStatus.of(home.home(), RetentionPolicy.from(home.context().config()), entries,
                Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode();
            ObjectNode counts = node.putObject("counts");
            status.counts().forEach((state, count) -> counts.put(state.name().toLowerCase(Locale.ROOT),
                    state == EntryState.DELIVERED ? count + settled : count));
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
            if (running.isEmpty()) {
                node.putNull("running");
            } else {
                ObjectNode holder = node.putObject("running").put("command", running.get().command())
                        .put("pid", running.get().pid()).put("since", running.get().since().toString())
                        .put("inFlight", sending.size());
                sending.forEach(holder.putArray("entries")::add);
            }
            retention.addTo(node);
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
        running.ifPresent(holder -> out.println((holder.command() == null ? "spool held" : holder.command()
                + " running") + " (pid " + holder.pid() + ", since " + CLOCK_TIME.format(holder.since()
                        .atZone(ZoneId.systemDefault())) + "): in flight " + sending.size()));
        long queuedSending = countSending(entries, sending, EntryState.QUEUED);
        long failedSending = countSending(entries, sending, EntryState.FAILED);
        out.printf(Locale.ROOT, "queued %d, in flight %d, delivered %d, rejected %d, failed %d, corrupt %d%n",
                status.count(EntryState.QUEUED) - queuedSending, status.count(EntryState.CREATED)
                        + status.count(EntryState.IN_FLIGHT) + queuedSending + failedSending,
                status.count(EntryState.DELIVERED) + settled, status.count(EntryState.REJECTED),
                status.count(EntryState.FAILED) - failedSending, status.count(EntryState.CORRUPT));
        out.println("bytes pending: " + status.bytesPending());
        if (unverified > 0) {
            out.println("delivered without a verified receipt: " + unverified + " (see 'upload')");
        }
        if (status.lastError() != null) {
            out.println("last error: " + status.lastError() + " (entry " + Spool.shortId(status.lastErrorEntry())
                    + ", " + status.lastErrorAt() + ")");
        }
        retention.print(out);
        for (SpoolEntry entry : undelivered(entries)) {
            boolean beingSent = sending.contains(entry.id());
            out.printf(Locale.ROOT, "  %-8s %s %s: %s%s%n", beingSent ? "sending"
                    : entry.state().name().toLowerCase(Locale.ROOT), Spool.shortId(entry.id()),
                    entry.info().filename(), beingSent ? "being uploaded now" : standing(entry),
                    entry.nextAttemptAt() == null ? "" : " (next attempt " + entry.nextAttemptAt() + ")");
        }
        return ExitCodes.OK;
    }

    /**
     * Deliveries whose entries have left the spool (the retention sweep lets a settled entry go):
     * their receipts in the archive.
     */
    private long settledDeliveries(List<SpoolEntry> entries) throws IOException {
        Set<String> settled = new HashSet<>(ReceiptArchive.archivedEntries(home.home().receipts()));
        entries.forEach(entry -> settled.remove(entry.id()));
        return settled.size();
    }

    /** The entries the spool's holder is sending and that are not finished on disk yet. */
    private static Set<String> sending(Optional<SpoolActivity.Snapshot> running, List<SpoolEntry> entries) {
        if (running.isEmpty()) {
            return Set.of();
        }
        Set<String> unfinished = entries.stream().filter(entry -> entry.state() == EntryState.QUEUED
                || entry.state() == EntryState.CREATED || entry.state() == EntryState.IN_FLIGHT
                || entry.state() == EntryState.FAILED).map(SpoolEntry::id).collect(Collectors.toSet());
        return running.get().entries().stream().filter(unfinished::contains)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** How many entries in {@code state} on disk are being sent: in flight, whatever their last durable state. */
    private static long countSending(List<SpoolEntry> entries, Set<String> sending, EntryState state) {
        return entries.stream().filter(entry -> entry.state() == state && sending.contains(entry.id())).count();
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
