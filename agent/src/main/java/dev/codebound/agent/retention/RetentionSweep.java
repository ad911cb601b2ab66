package dev.codebound.agent.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.MissedDeliveries;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationHome;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.Providers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deletes what the station's retention policy says is due, on the spool its caller holds.
 *
 * <p>Each deletion is recorded in the transfer log first ({@code retention-deleted} by entry, or
 * {@code photo-deleted} by the photo's SHA-256) and performed after: the record is the intent. A
 * sweep records all its intents with one wait for the log (they share its syncs) before its first
 * deletion. A
 * sweep killed in between leaves a recorded deletion whose file is still there; the next sweep finds
 * it due again, sees its record (looking back only to where the last sweep that finished everything
 * it recorded left the log), and finishes it without writing a second one. Delivered entries the
 * spool has no more work for then leave it ({@link Spool#forgetDelivered}). A file that cannot
 * be deleted is reported (the sweep goes on with the others) and listed in
 * {@code retention/problems.json}, which {@code status} shows until a sweep succeeds.
 *
 * <pre>{@code
 * SweepReport report = new RetentionSweep(home, RetentionPolicy.from(config), spool, clock).run(clock.instant());
 * }</pre>
 */
public final class RetentionSweep {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StationHome home;
    private final RetentionPlanner planner;
    private final Spool spool;
    private final Clock clock;

    /** A sweep of the station in {@code home}, whose spool {@code spool} the caller holds open. */
    public RetentionSweep(StationHome home, RetentionPolicy policy, Spool spool, Clock clock) {
        this.home = home;
        this.planner = new RetentionPlanner(home, policy);
        this.spool = spool;
        this.clock = clock;
    }

    /** The file listing what the last sweep could not delete; absent when it deleted everything due. */
    public static Path problemsFile(StationHome home) {
        return home.retention().resolve("problems.json");
    }

    /**
     * Deletes what is due at {@code now}, opening the station's transfer log only when something
     * is (without the station key: the next command that signs a checkpoint covers these records).
     * For a scheduler, and for commands that do not hold the log open.
     *
     * @throws IOException when the transfer log cannot be opened (e.g. another process holds it), and
     *                     then nothing was deleted; or when a directory cannot be synced after deletions
     */
    public SweepReport run(Instant now) throws IOException {
        List<SpoolEntry> entries = spool.entries();
        List<Deletion> due = planner.due(entries, now);
        if (due.isEmpty() && planner.settled(entries).isEmpty()) {
            return record(new SweepReport(List.of(), List.of()));
        }
        try (TransferLog log = TransferLog.open(home, clock)) {
            return apply(due, log);
        }
    }

    /** Deletes what is due at {@code now}, recording each deletion in {@code log}, which the caller holds open. */
    public SweepReport run(Instant now, TransferLog log) throws IOException {
        return apply(planner.due(spool.entries(), now), log);
    }

    private SweepReport apply(List<Deletion> planned, TransferLog log) throws IOException {
        List<SweepReport.Problem> problems = new ArrayList<>();
        List<Deletion> due = withDeliveriesRecorded(planned, log, problems);
        Set<String> recorded = due.isEmpty() ? Set.of() : log.deletionsRecordedAfter(sweptThrough());
        List<Deletion> deleted = new ArrayList<>();
        Set<Path> changedDirectories = new LinkedHashSet<>();
        // Every intent is recorded, in one wait for the log, before the first deletion.
        List<Deletion> intended = new ArrayList<>();
        List<TransferLog.DeletionIntent> intents = new ArrayList<>();
        for (Deletion deletion : due) {
            try {
                intent(deletion, recorded).ifPresent(intents::add);
                intended.add(deletion);
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                problems.add(problem(deletion, e));
            }
        }
        try {
            log.deletionsIntended(intents);
        } catch (IOException | IllegalArgumentException e) {
            for (Deletion deletion : intended) {
                problems.add(problem(deletion, e));
            }
            intended.clear();
        }
        for (Deletion deletion : intended) {
            try {
                delete(deletion);
                changedDirectories.add(deletion.file().getParent());
                deleted.add(deletion);
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                problems.add(problem(deletion, e));
            }
        }
        for (Path directory : changedDirectories) {
            // The deletions are durable before the sweep says they happened.
            DurableFiles.syncDirectory(directory);
        }
        SweepReport report = record(new SweepReport(deleted, problems));
        forgetSettledEntries(log);
        if (problems.isEmpty()) {
            markSweptThrough(log.position());
        }
        return report;
    }

    /** Where the last sweep that did everything it recorded left the log; see {@link #markSweptThrough}. */
    static Path sweptThroughFile(StationHome home) {
        return home.retention().resolve("swept-through.json");
    }

    /**
     * Remembers that every deletion the log records up to {@code position} is done, so that the
     * next sweep looks for an interrupted one's records only after it instead of in the station's
     * whole history. Written only by a sweep without problems (a deletion that failed is due again
     * and must find its record), and not synced: a mark lost to a crash, or unreadable, only makes
     * the next sweep read further back. A deletion recorded outside a sweep (a capture's
     * {@code ORIGINAL_NEVER_KEPT}) whose file a crash kept and which that sweep did not find due
     * could at worst be recorded a second time, which the audit accepts.
     */
    private void markSweptThrough(TransferLog.Position position) throws IOException {
        ObjectNode node = JSON.createObjectNode().put("seq", position.seq()).put("hash", position.hash());
        Path file = sweptThroughFile(home);
        Files.createDirectories(file.getParent());
        DurableFiles.replaceAdvisory(file, JSON.writeValueAsBytes(node));
    }

    private Optional<TransferLog.Position> sweptThrough() {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(sweptThroughFile(home)));
            String hash = node.path("hash").asText("");
            return hash.matches("[0-9a-f]{64}") ? Optional.of(new TransferLog.Position(node.path("seq").asLong(), hash))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            // None yet, or unreadable: the whole log is read, as before any mark.
            return Optional.empty();
        }
    }

    /**
     * Lets the spool forget the delivered entries it has no more work for ({@link RetentionPlanner#settled}),
     * so that opening it, and every sweep, costs what is on its way rather than the station's whole
     * history. From then on the receipt archive is the proof of each delivery and the log its
     * history, so first: the log holds each entry's {@code delivered} record, on disk; the archived
     * receipt is the very bytes the spool holds (a copy that differs is kept for {@code audit verify}
     * to report); and the archive's names are durable.
     */
    private void forgetSettledEntries(TransferLog log) throws IOException {
        List<SpoolEntry> settled = planner.settled(spool.entries());
        if (settled.isEmpty()) {
            return;
        }
        MissedDeliveries.record(log, spool);
        log.flush();
        List<String> forgettable = new ArrayList<>();
        for (SpoolEntry entry : settled) {
            Optional<byte[]> held = spool.receipt(entry.id());
            if (held.isPresent() && Arrays.equals(held.get(), Files.readAllBytes(home.receipt(entry.id())))) {
                forgettable.add(entry.id());
            }
        }
        DurableFiles.syncDirectory(home.receipts());
        spool.forgetDelivered(forgettable);
    }

    /**
     * {@code planned}, once the log has the delivery of every envelope it deletes under
     * {@link RetentionRule#ENVELOPE_AFTER_DELIVERY}: a crash may have lost a {@code delivered}
     * record (it waits for the log's next write), and a deletion before it would make the log
     * contradict itself. The missing records are appended here and written with the intents. When
     * the log refuses them, those envelopes stay, each with its problem.
     */
    private List<Deletion> withDeliveriesRecorded(List<Deletion> planned, TransferLog log,
            List<SweepReport.Problem> problems) {
        if (planned.stream().noneMatch(RetentionSweep::deletesADeliveredEnvelope)) {
            return planned;
        }
        try {
            MissedDeliveries.record(log, spool);
            return planned;
        } catch (IOException | IllegalArgumentException e) {
            List<Deletion> kept = new ArrayList<>();
            for (Deletion deletion : planned) {
                if (deletesADeliveredEnvelope(deletion)) {
                    problems.add(problem(deletion, e));
                } else {
                    kept.add(deletion);
                }
            }
            return kept;
        }
    }

    private static boolean deletesADeliveredEnvelope(Deletion deletion) {
        return deletion.rule() == RetentionRule.ENVELOPE_AFTER_DELIVERY;
    }

    private static SweepReport.Problem problem(Deletion deletion, Exception e) {
        return new SweepReport.Problem(deletion.file(), deletion.rule(), deletion.dueAt(),
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /** The record that announces {@code deletion}, or empty when a sweep a crash interrupted has written it already. */
    private static Optional<TransferLog.DeletionIntent> intent(Deletion deletion, Set<String> recorded)
            throws IOException {
        String kind = deletion.rule().kind().name();
        if (deletion.rule().namesEntry()) {
            return recorded.contains(TransferLog.deletionKey(kind, deletion.entryId())) ? Optional.empty()
                    : Optional.of(TransferLog.DeletionIntent.ofEntry(deletion.entryId(), kind, deletion.rule().name()));
        }
        String photo = sha256(deletion.file());
        return recorded.contains(TransferLog.deletionKey(kind, photo)) ? Optional.empty()
                : Optional.of(TransferLog.DeletionIntent.ofPhoto(photo, kind, deletion.rule().name()));
    }

    private void delete(Deletion deletion) throws IOException {
        switch (deletion.rule()) {
            // The spool removes the entry's record first and then its envelope; a crash in between leaves an
            // envelope without an entry, which the next open deletes.
            case UNDELIVERED_ENTRY -> spool.discard(deletion.entryId());
            case ENVELOPE_AFTER_DELIVERY -> spool.deleteDeliveredEnvelope(deletion.entryId());
            default -> {
                // The photo last: a crash after its reason file went leaves the photo, due again from its own time.
                for (Path companion : deletion.companions()) {
                    Files.deleteIfExists(companion);
                }
                Files.deleteIfExists(deletion.file());
            }
        }
    }

    /** Keeps the sweep's problems for {@code status}: the file is replaced, or removed when there are none. */
    private SweepReport record(SweepReport report) throws IOException {
        Path file = problemsFile(home);
        if (report.problems().isEmpty()) {
            Files.deleteIfExists(file);
            return report;
        }
        ObjectNode node = JSON.createObjectNode().put("sweptAt", clock.instant().toString());
        ArrayNode problems = node.putArray("problems");
        for (SweepReport.Problem problem : report.problems()) {
            problems.addObject().put("file", problem.file().toString()).put("rule", problem.rule().name())
                    .put("dueAt", problem.dueAt().toString()).put("error", problem.error());
        }
        Files.createDirectories(file.getParent());
        DurableFiles.write(file, JSON.writeValueAsBytes(node));
        return report;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Providers.bulkSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
