package dev.codebound.agent.spool;

import dev.codebound.agent.spool.RecoveryReport.Repair;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Brings a spool back to a consistent state after a crash, by the order in which the spool writes
 * its files (see {@link Spool}): each rule below repairs the gap between two consecutive writes.
 */
final class SpoolRecovery {
    private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final EntryStore store;
    private final Instant now;
    private final List<Repair> repairs = new ArrayList<>();

    SpoolRecovery(Path root, EntryStore store, Instant now) {
        this.root = root;
        this.store = store;
        this.now = now;
    }

    RecoveryReport recover(Map<String, SpoolEntry> entries) throws IOException {
        emptyDirectory(root.resolve("incoming"));
        emptyDirectory(root.resolve("trash"));
        DurableFiles.removeStaleTemporaries(root);
        DurableFiles.removeStaleTemporaries(root.resolve("entries"));
        List<Path> directories;
        try (Stream<Path> list = Files.list(root.resolve("entries"))) {
            directories = list.filter(Files::isDirectory).sorted().toList();
        }
        for (Path directory : directories) {
            DurableFiles.removeStaleTemporaries(directory);
            recoverEntry(directory).ifPresent(entry -> entries.put(entry.id(), entry));
        }
        return new RecoveryReport(repairs);
    }

    private Optional<SpoolEntry> recoverEntry(Path directory) throws IOException {
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
            deleteTree(directory);
            DurableFiles.syncDirectory(directory.getParent());
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
                entry = write(SpoolEntry.queued(info, now));
                repairs.add(new Repair(id, "an envelope without a state record (enqueue interrupted)",
                        "queued it", false));
            } else {
                entry = stored.get();
            }
        } catch (IOException e) {
            // A lost upload URL costs only a fresh upload: the registry deduplicates by envelope hash.
            entry = write(new SpoolEntry(info, EntryState.QUEUED, null, 0, 0, "state record was unreadable", null,
                    now));
            repairs.add(new Repair(id, "an unreadable state record", "queued it for a fresh upload", true));
        }
        return Optional.of(reconcileOutcome(entry, hasEnvelope));
    }

    /** Outcome files are written before the state that announces them; finish that step. */
    private SpoolEntry reconcileOutcome(SpoolEntry entry, boolean hasEnvelope) throws IOException {
        String id = entry.id();
        if (entry.state() != EntryState.DELIVERED && Files.exists(store.file(id, EntryStore.RECEIPT))) {
            repairs.add(new Repair(id, "a stored receipt on a " + entry.state() + " entry", "marked it DELIVERED",
                    false));
            return write(new SpoolEntry(entry.info(), EntryState.DELIVERED, entry.uploadUrl(), entry.info().length(),
                    0, null, null, now));
        }
        if (entry.state().isUploadable() && Files.exists(store.file(id, EntryStore.PROBLEM))) {
            String reason = readProblemReason(id);
            repairs.add(new Repair(id, "a stored problem on a " + entry.state() + " entry", "marked it REJECTED",
                    false));
            return write(new SpoolEntry(entry.info(), EntryState.REJECTED, entry.uploadUrl(),
                    entry.acknowledgedOffset(), entry.transientErrors(), reason, null, now));
        }
        if (entry.state().isUploadable()) {
            String problem = !hasEnvelope ? "envelope file is missing"
                    : Files.size(store.file(id, EntryStore.ENVELOPE)) != entry.info().length()
                            ? "envelope file has the wrong length (truncated or altered)" : null;
            if (problem != null) {
                repairs.add(new Repair(id, problem, "marked it CORRUPT", true));
                return write(new SpoolEntry(entry.info(), EntryState.CORRUPT, entry.uploadUrl(),
                        entry.acknowledgedOffset(), entry.transientErrors(), problem, null, now));
            }
        }
        return entry;
    }

    private String readProblemReason(String id) {
        try {
            Problem problem = Problem.fromJson(Files.readAllBytes(store.file(id, EntryStore.PROBLEM)));
            return problem.reason() != null ? problem.reason() : "HTTP " + problem.status();
        } catch (IOException | WireFormatException e) {
            return "rejected (stored problem unreadable)";
        }
    }

    private SpoolEntry write(SpoolEntry entry) throws IOException {
        store.writeState(entry);
        return entry;
    }

    private void quarantine(Path directory, String name, String found) throws IOException {
        Path target = root.resolve("quarantine").resolve(name + "." + now.toEpochMilli());
        Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(directory.getParent());
        repairs.add(new Repair(name, found, "moved it to " + root.relativize(target) + " for an operator", true));
    }

    private static void emptyDirectory(Path directory) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                deleteTree(child);
            }
        }
        DurableFiles.syncDirectory(directory);
    }

    /** Deletes a file or a directory tree. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
