package dev.codebound.agent.retention;

import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.watch.HotFolder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, from the spool's entries and the files in the registered hot folders, every piece of
 * data a retention rule will delete and its deadline. It reads and never changes anything, so
 * {@code status} and {@code audit verify} use it on a snapshot of the spool as the sweep does on
 * the spool it holds.
 */
public final class RetentionPlanner {
    /** The name {@code watch} gives an original in {@code done/}: its entry id, which names no person. */
    private static final Pattern ORIGINAL_NAME = Pattern.compile("([0-9a-f]{64})\\.jpg");
    /** The suffix of the reason file {@code watch} writes beside a refused photo. */
    static final String REASON_SUFFIX = ".reason.txt";

    private final StationHome home;
    private final RetentionPolicy policy;

    public RetentionPlanner(StationHome home, RetentionPolicy policy) {
        this.home = home;
        this.policy = policy;
    }

    /** The name an original of entry {@code entryId} gets in {@code done/}. */
    public static String originalName(String entryId) {
        return entryId + ".jpg";
    }

    /**
     * Every deletion the policy plans for this data, due or not, in the order a sweep performs
     * them: photos first, then envelopes and entries (so an undelivered entry's original goes
     * before the entry that explains it).
     */
    public List<Deletion> plan(Collection<SpoolEntry> entries) throws IOException {
        Map<String, SpoolEntry> byId = new HashMap<>();
        entries.forEach(entry -> byId.put(entry.id(), entry));
        List<Deletion> plan = new ArrayList<>();
        for (Path folder : new HotFolders(home).list()) {
            planOriginals(folder.resolve(HotFolder.DONE), byId, plan);
            planRefusedPhotos(folder.resolve(HotFolder.REJECTED), plan);
        }
        for (SpoolEntry entry : entries) {
            planEntry(entry, plan);
        }
        return plan;
    }

    /** The deletions due at {@code now}, in the order of {@link #plan}. */
    public List<Deletion> due(Collection<SpoolEntry> entries, Instant now) throws IOException {
        return plan(entries).stream().filter(deletion -> deletion.isDueAt(now)).toList();
    }

    /**
     * The delivered entries the spool no longer needs ({@link Spool#forgetDelivered}): the envelope
     * is deleted, no original of it is kept in a {@code done/} folder (an original without its entry
     * would be due at once, ahead of its own deadline), and the verified receipt is in the archive,
     * which from then on is the station's proof of the delivery.
     */
    public List<SpoolEntry> settled(Collection<SpoolEntry> entries) throws IOException {
        List<SpoolEntry> delivered = entries.stream().filter(entry -> entry.state() == EntryState.DELIVERED).toList();
        if (delivered.isEmpty()) {
            return List.of();
        }
        Set<String> keptOriginals = new HashSet<>();
        for (Path folder : new HotFolders(home).list()) {
            for (Path file : visibleFiles(folder.resolve(HotFolder.DONE))) {
                keptOriginals.add(file.getFileName().toString());
            }
        }
        List<SpoolEntry> settled = new ArrayList<>();
        for (SpoolEntry entry : delivered) {
            if (!keptOriginals.contains(originalName(entry.id()))
                    && Files.notExists(Spool.envelopeFile(home.spool(), entry.id()))
                    && Files.exists(home.receipt(entry.id()))) {
                settled.add(entry);
            }
        }
        return settled;
    }

    private void planOriginals(Path done, Map<String, SpoolEntry> entries, List<Deletion> plan) throws IOException {
        for (Path file : visibleFiles(done)) {
            Optional<Instant> modified = modified(file);
            if (modified.isEmpty()) {
                continue;
            }
            Matcher name = ORIGINAL_NAME.matcher(file.getFileName().toString());
            if (!name.matches()) {
                plan.add(new Deletion(RetentionRule.ORIGINAL_UNATTRIBUTED, null, file, List.of(),
                        modified.get().plus(policy.undelivered())));
                continue;
            }
            String id = name.group(1);
            SpoolEntry entry = entries.get(id);
            if (entry == null) {
                plan.add(new Deletion(RetentionRule.ORIGINAL_WITHOUT_ENTRY, id, file, List.of(), modified.get()));
            } else if (policy.keepsNoOriginals()) {
                plan.add(new Deletion(RetentionRule.ORIGINAL_NEVER_KEPT, id, file, List.of(),
                        entry.info().createdAt()));
            } else if (entry.state() == EntryState.DELIVERED) {
                deliveredAt(entry).ifPresent(at -> plan.add(new Deletion(RetentionRule.ORIGINAL_AFTER_DELIVERY, id,
                        file, List.of(), at.plus(policy.originals().orElseThrow()))));
            } else if (entry.state().needsOperator()) {
                plan.add(new Deletion(RetentionRule.ORIGINAL_OF_UNDELIVERED, id, file, List.of(),
                        entry.updatedAt().plus(policy.undelivered())));
            }
        }
    }

    private void planRefusedPhotos(Path rejected, List<Deletion> plan) throws IOException {
        for (Path file : visibleFiles(rejected)) {
            if (file.getFileName().toString().endsWith(REASON_SUFFIX)) {
                continue;
            }
            Path reason = file.resolveSibling(file.getFileName() + REASON_SUFFIX);
            // The reason file is written when the photo is refused; the photo's own time is the camera's.
            Optional<Instant> refusedAt = modified(reason);
            if (refusedAt.isEmpty()) {
                refusedAt = modified(file);
            }
            refusedAt.ifPresent(at -> plan.add(new Deletion(RetentionRule.REFUSED_PHOTO_EXPIRED, null, file,
                    Files.exists(reason) ? List.of(reason) : List.of(), at.plus(policy.refusedPhotos()))));
        }
    }

    private void planEntry(SpoolEntry entry, List<Deletion> plan) throws IOException {
        Path envelope = Spool.envelopeFile(home.spool(), entry.id());
        if (entry.state() == EntryState.DELIVERED && Files.exists(envelope)) {
            Optional<Instant> delivered = deliveredAt(entry);
            if (delivered.isPresent()) {
                plan.add(new Deletion(RetentionRule.ENVELOPE_AFTER_DELIVERY, entry.id(), envelope, List.of(),
                        delivered.get().plus(policy.deliveredEnvelopes())));
            }
        } else if (entry.state().needsOperator()) {
            plan.add(new Deletion(RetentionRule.UNDELIVERED_ENTRY, entry.id(), envelope, List.of(),
                    entry.updatedAt().plus(policy.undelivered())));
        }
    }

    /**
     * When a delivered entry's receipt was verified and archived ({@code receipts/<id>.json}): only
     * then has the station proof of delivery, and the clocks of its deadlines start. Empty while the
     * receipt is not archived.
     */
    private Optional<Instant> deliveredAt(SpoolEntry entry) throws IOException {
        Optional<Instant> archived = modified(home.receipt(entry.id()));
        return archived.map(at -> at.isAfter(entry.updatedAt()) ? at : entry.updatedAt());
    }

    private static List<Path> visibleFiles(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path file : listing) {
                if (!file.getFileName().toString().startsWith(".")) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    private static Optional<Instant> modified(Path file) throws IOException {
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
