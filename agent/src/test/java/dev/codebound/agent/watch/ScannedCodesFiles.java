package dev.codebound.agent.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.io.GroupCommitJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a scanned-codes journal record by record, superseded records included, as a test's independent check. */
final class ScannedCodesFiles {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private ScannedCodesFiles() {}

    /** Every intact record of {@code journal}, in file order. */
    static List<ScannedCodes.Scanned> records(Path journal) throws IOException {
        List<ScannedCodes.Scanned> records = new ArrayList<>();
        try {
            GroupCommitJournal.read(journal, payload -> records.add(decode(payload)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return records;
    }

    /** The bytes after the last intact record of {@code journal}: a torn tail nobody cut. */
    static long cutBytes(Path journal) throws IOException {
        return GroupCommitJournal.read(journal, payload -> { }).cutBytes();
    }

    private static ScannedCodes.Scanned decode(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        try {
            return JSON.readValue(bytes, ScannedCodes.Scanned.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
