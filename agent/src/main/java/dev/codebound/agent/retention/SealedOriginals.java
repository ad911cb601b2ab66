package dev.codebound.agent.retention;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.watch.HotFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What becomes of a hot folder's photo once its envelope is in the spool: it moves to
 * {@code done/} under its entry's id ({@code done/<entry id>.jpg}), which names no person and tells
 * a sweep which entry's deadlines apply; or, with {@code retention.originals=never} or
 * {@code --delete-original}, it is deleted at once, recorded in the transfer log first.
 */
public final class SealedOriginals {
    private final HotFolder folder;
    private final boolean keepNone;

    /**
     * @param deleteOriginal {@code watch --delete-original}: keep none, whatever the policy says
     */
    public SealedOriginals(HotFolder folder, RetentionPolicy policy, boolean deleteOriginal) {
        this.folder = folder;
        this.keepNone = deleteOriginal || policy.keepsNoOriginals();
    }

    /**
     * Moves a photo found in the hot folder at start although it was sealed before (a crash took back
     * its move) into {@code done/} under its entry's id, whatever the policy: the retention sweep then
     * deletes it when the policy says, with its transfer-log record. It is never sealed again.
     */
    public Path recovered(Path photo, String entryId) throws IOException {
        return folder.markDone(photo, RetentionPlanner.originalName(entryId));
    }

    /**
     * Moves or deletes {@code photo}, whose envelope is spool entry {@code entryId}.
     *
     * @return where the original now is; empty when it was deleted
     */
    public Optional<Path> settle(Path photo, String entryId, TransferLog log) throws IOException {
        if (!keepNone) {
            return Optional.of(folder.markDone(photo, RetentionPlanner.originalName(entryId)));
        }
        log.retentionDeleted(entryId, DataKind.ORIGINAL.name(), RetentionRule.ORIGINAL_NEVER_KEPT.name());
        Files.delete(photo);
        folder.forget(photo);
        return Optional.empty();
    }
}
