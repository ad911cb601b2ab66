package dev.codebound.agent.spool;

import dev.codebound.agent.spool.RecoveryReport.Repair;
import dev.codebound.agent.spool.SpoolRecords.Slot;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the spool layout of agents before the journal (one directory per entry under
 * {@code entries/}, see {@link EntryStore}) so that {@link SpoolRecovery} can migrate a station
 * upgraded with envelopes still queued. It repairs what a crash between two of that layout's
 * writes left behind by the rules those agents applied, in memory only: the migrated state is
 * written once, to the journal.
 */
final class LegacySpoolReader {
    /** The directory of the old layout. */
    static final String ENTRIES = "entries";

    private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final EntryStore store;
    private final Instant now;
    private final List<Repair> repairs;

    LegacySpoolReader(Path root, Instant now, List<Repair> repairs) {
        this.root = root;
        this.store = new EntryStore(root.resolve(ENTRIES));
        this.now = now;
        this.repairs = repairs;
    }

    /** The envelope file of an entry in the old layout. */
    Path envelope(String id) {
        return store.file(id, EntryStore.ENVELOPE);
    }

    /**
     * Reads every entry directory whose id is not in {@code known} (entries a migration interrupted
     * by a crash already put in the journal), into {@code entries}.
     */
    void read(Set<String> known, Map<String, Slot> entries) throws IOException {
        DurableFiles.removeStaleTemporaries(root.resolve(ENTRIES));
        List<Path> directories;
        try (Stream<Path> list = Files.list(root.resolve(ENTRIES))) {
            directories = list.filter(Files::isDirectory).sorted().toList();
        }
        for (Path directory : directories) {
            if (known.contains(directory.getFileName().toString())) {
                continue;
            }
            DurableFiles.removeStaleTemporaries(directory);
            readEntry(directory).ifPresent(slot -> entries.put(slot.entry().id(), slot));
        }
    }

    /**
     * Adds the entries of an old layout not yet migrated to {@code entries} (those it does not hold
     * already), as their files stand: nothing is repaired or moved, and an entry whose files cannot
     * be read is left out, as the old layout's own read-only look did.
     */
    static void peek(Path root, Map<String, Slot> entries) throws IOException {
        Path legacy = root.resolve(ENTRIES);
        if (!Files.isDirectory(legacy)) {
            return;
        }
        EntryStore store = new EntryStore(legacy);
        try (Stream<Path> list = Files.list(legacy)) {
            for (Path directory : list.filter(Files::isDirectory).toList()) {
                String id = directory.getFileName().toString();
                if (entries.containsKey(id)) {
                    continue;
                }
                try {
                    Optional<SpoolEntry> entry = store.readEntry(store.readMeta(id));
                    if (entry.isPresent()) {
                        String outcome = entry.get().state() == EntryState.DELIVERED ? EntryStore.RECEIPT
                                : EntryStore.PROBLEM;
                        entries.put(id, new Slot(entry.get(), store.readOutcome(id, outcome).orElse(null)));
                    }
                } catch (IOException | RuntimeException e) {
                    // Damaged or mid-write: the migration deals with it when an agent opens the spool.
                }
            }
        }
    }

    private Optional<Slot> readEntry(Path directory) throws IOException {
        String id = directory.getFileName().toString();
        if (!ENTRY_NAME.matcher(id).matches()) {
            quarantine(directory, id, "a directory that is not a spool entry");
            return Optional.empty();
        }
        boolean hasMeta = Files.exists(directory.resolve(EntryStore.META));
        boolean hasEnvelope = Files.exists(directory.resolve(EntryStore.ENVELOPE));
        boolean hasState = Files.exists(directory.resolve(EntryStore.STATE));
        if (!hasState && !hasEnvelope) {
            // The enqueue stopped before the envelope was moved in; its caller still holds the source.
            repairs.add(new Repair(id, "an enqueue interrupted before the envelope was moved in",
                    "removed the partial entry", false));
            return Optional.empty();
        }
        if (!hasMeta) {
            quarantine(directory, id, "an entry without its meta.json");
            return Optional.empty();
        }
        EnvelopeInfo info;
        try {
            info = store.readMeta(id);
        } catch (IOException | IllegalArgumentException e) {
            quarantine(directory, id, "an unreadable meta.json");
            return Optional.empty();
        }
        if (!info.sha256().equals(id)) {
            quarantine(directory, id, "a meta.json naming another envelope");
            return Optional.empty();
        }
        SpoolEntry entry;
        try {
            Optional<SpoolEntry> stored = store.readEntry(info);
            if (stored.isEmpty()) {
                entry = SpoolEntry.queued(info, now);
                repairs.add(new Repair(id, "an envelope without a state record (enqueue interrupted)",
                        "queued it", false));
            } else {
                entry = stored.get();
            }
        } catch (IOException e) {
            // A lost upload URL costs only a fresh upload: the registry deduplicates by envelope hash.
            entry = new SpoolEntry(info, EntryState.QUEUED, null, 0, 0, "state record was unreadable", null, now);
            repairs.add(new Repair(id, "an unreadable state record", "queued it for a fresh upload", true));
        }
        return Optional.of(reconcileOutcome(entry));
    }

    /** Outcome files were written before the state that announces them; finish that step. */
    private Slot reconcileOutcome(SpoolEntry entry) throws IOException {
        String id = entry.id();
        Optional<byte[]> receipt = store.readOutcome(id, EntryStore.RECEIPT);
        Optional<byte[]> problem = store.readOutcome(id, EntryStore.PROBLEM);
        if (entry.state() == EntryState.DELIVERED) {
            return new Slot(entry, receipt.orElse(null));
        }
        if (receipt.isPresent()) {
            repairs.add(new Repair(id, "a stored receipt on a " + entry.state() + " entry", "marked it DELIVERED",
                    false));
            return new Slot(new SpoolEntry(entry.info(), EntryState.DELIVERED, entry.uploadUrl(),
                    entry.info().length(), 0, null, null, now), receipt.get());
        }
        if (entry.state() == EntryState.REJECTED) {
            return new Slot(entry, problem.orElse(null));
        }
        if (entry.state().isUploadable() && problem.isPresent()) {
            repairs.add(new Repair(id, "a stored problem on a " + entry.state() + " entry", "marked it REJECTED",
                    false));
            return new Slot(new SpoolEntry(entry.info(), EntryState.REJECTED, entry.uploadUrl(),
                    entry.acknowledgedOffset(), entry.transientErrors(), problemReason(problem.get()), null, now),
                    problem.get());
        }
        return new Slot(entry, null);
    }

    private static String problemReason(byte[] json) {
        try {
            Problem problem = Problem.fromJson(json);
            return problem.reason() != null ? problem.reason() : "HTTP " + problem.status();
        } catch (WireFormatException e) {
            return "rejected (stored problem unreadable)";
        }
    }

    private void quarantine(Path directory, String name, String found) throws IOException {
        Path target = root.resolve(SpoolRecovery.QUARANTINE).resolve(name + "." + now.toEpochMilli());
        Files.createDirectories(target.getParent());
        Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(directory.getParent());
        repairs.add(new Repair(name, found, "moved it to " + root.relativize(target) + " for an operator", true));
    }
}
