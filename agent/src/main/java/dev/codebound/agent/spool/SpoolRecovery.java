package dev.codebound.agent.spool;

import dev.codebound.agent.spool.RecoveryReport.Repair;
import dev.codebound.agent.spool.SpoolRecords.Slot;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Brings the entries replayed from the spool's journal and the envelope files beside it back into
 * agreement after a crash (see {@link Spool} for the order of writes), and migrates a spool of the
 * layout before the journal. Works on the in-memory entries only; {@link Spool#open} then writes
 * the result to the journal in one compacting rewrite before anything else happens.
 */
final class SpoolRecovery {
    static final String QUARANTINE = "quarantine";
    /** Where {@code entries/} of the old layout goes once migrated, until it is deleted. */
    static final String MIGRATED = "entries.migrated";
    /** Directories of the old layout that held only transient files. */
    private static final List<String> LEGACY_TRANSIENT = List.of("incoming", "trash");
    private static final Pattern ENVELOPE_NAME = Pattern.compile("[0-9a-f]{64}\\.cms");

    private final Path root;
    private final Path envelopes;
    private final Instant now;
    private final List<Repair> repairs = new ArrayList<>();
    private boolean migrating;

    SpoolRecovery(Path root, Path envelopes, Instant now) {
        this.root = root;
        this.envelopes = envelopes;
        this.now = now;
    }

    /**
     * Repairs {@code entries} (as replayed) and the files of the spool; the caller must make the
     * entries durable, then call {@link #finishMigration}.
     */
    RecoveryReport recover(Map<String, Slot> entries) throws IOException {
        if (Files.isDirectory(root.resolve(LegacySpoolReader.ENTRIES))) {
            migrate(entries);
        }
        removeEnvelopesWithoutEntry(entries.keySet());
        for (Slot slot : List.copyOf(entries.values())) {
            checkEnvelope(slot).ifPresent(repaired -> entries.put(repaired.entry().id(), repaired));
        }
        return new RecoveryReport(repairs);
    }

    /** Whether {@link #recover} took entries from the old layout, which {@link #finishMigration} must then delete. */
    boolean migrated() {
        return migrating;
    }

    /**
     * Deletes the old layout once the migrated entries are durable in the journal. The directory
     * is renamed first (atomic), so a crash while deleting never leaves a half-deleted old entry
     * that the next open would take for a damaged one.
     */
    void finishMigration() throws IOException {
        Path legacy = root.resolve(LegacySpoolReader.ENTRIES);
        if (Files.isDirectory(legacy)) {
            Files.move(legacy, root.resolve(MIGRATED), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(root);
        }
        deleteLegacyLeftovers();
    }

    /** Deletes what an earlier migration or agent left behind that holds nothing any more. */
    void deleteLegacyLeftovers() throws IOException {
        deleteTree(root.resolve(MIGRATED));
        for (String transientDirectory : LEGACY_TRANSIENT) {
            deleteTree(root.resolve(transientDirectory));
        }
    }

    /**
     * Takes the old layout's entries into memory and moves their envelopes to {@code envelopes/}.
     * Entries the journal already holds come from a migration a crash interrupted and are kept as
     * the journal has them; an envelope that interrupted migration already moved is moved back
     * first, so that the old layout's own repair rules see a consistent entry.
     */
    private void migrate(Map<String, Slot> entries) throws IOException {
        migrating = true;
        LegacySpoolReader legacy = new LegacySpoolReader(root, now, repairs);
        Set<String> known = new HashSet<>(entries.keySet());
        try (Stream<Path> list = Files.list(root.resolve(LegacySpoolReader.ENTRIES))) {
            for (Path directory : list.filter(Files::isDirectory).toList()) {
                String id = directory.getFileName().toString();
                Path moved = envelopes.resolve(id + ".cms");
                if (!known.contains(id) && !Files.exists(legacy.envelope(id)) && Files.exists(moved)) {
                    Files.move(moved, legacy.envelope(id), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        Map<String, Slot> migrated = new TreeMap<>();
        legacy.read(known, migrated);
        for (Slot slot : migrated.values()) {
            String id = slot.entry().id();
            if (Files.exists(legacy.envelope(id))) {
                Files.move(legacy.envelope(id), envelopes.resolve(id + ".cms"), StandardCopyOption.ATOMIC_MOVE);
            }
            entries.put(id, slot);
        }
        // The journal's rewrite syncs only the spool's own directory: make the moved envelopes' names durable.
        DurableFiles.syncDirectory(envelopes);
    }

    /**
     * A file being sealed when the process died ({@code .*.partial}), or an envelope whose entry
     * record never became durable: its capture never finished, so the photographer still has the
     * photo and nothing refers to the file.
     */
    private void removeEnvelopesWithoutEntry(Set<String> ids) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(envelopes)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(Spool.PARTIAL_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (!ENVELOPE_NAME.matcher(name).matches()) {
                    Path target = root.resolve(QUARANTINE).resolve(name + "." + now.toEpochMilli());
                    Files.createDirectories(target.getParent());
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                    repairs.add(new Repair(name, "a file that is not a spool envelope", "moved it to "
                            + root.relativize(target) + " for an operator", true));
                } else if (!ids.contains(name.substring(0, 64))) {
                    Files.deleteIfExists(file);
                    repairs.add(new Repair(name.substring(0, 64), "an envelope whose entry was never recorded "
                            + "(capture interrupted)", "removed the envelope", false));
                }
            }
        }
    }

    /** An entry still to be uploaded whose envelope is gone or has the wrong length is never sent. */
    private Optional<Slot> checkEnvelope(Slot slot) throws IOException {
        SpoolEntry entry = slot.entry();
        if (!entry.state().isUploadable()) {
            return Optional.empty();
        }
        Path file = envelopes.resolve(entry.id() + ".cms");
        String problem = !Files.exists(file) ? "envelope file is missing"
                : Files.size(file) != entry.info().length()
                        ? "envelope file has the wrong length (truncated or altered)" : null;
        if (problem == null) {
            return Optional.empty();
        }
        repairs.add(new Repair(entry.id(), problem, "marked it CORRUPT", true));
        return Optional.of(new Slot(new SpoolEntry(entry.info(), EntryState.CORRUPT, entry.uploadUrl(),
                entry.acknowledgedOffset(), entry.transientErrors(), problem, null, now), null));
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
