package dev.codebound.agent.watch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scanned codes as agents before the journal kept them: {@code scanned-codes.json},
 * {@code {"codes":[{"codeId","text","scannedAt"},..]}}, replaced whole at every scan. Read once to
 * carry its codes into the journal, then replaced by {@link #MOVED}: a file those agents refuse
 * ("is not a scanned-codes file (Cannot deserialize ...); delete it and scan the codes again"),
 * so that an older agent started on a station home that has the journal says so instead of
 * silently finding no code, and never writes codes the journal would not see.
 */
final class LegacyScannedCodes {
    /**
     * What the old file holds once its codes are in the journal: {@code codes} is text, where older
     * agents expect a list. A station that goes back to such an agent deletes it, as the refusal says,
     * and the journal carries over whatever that agent writes when a newer one runs again.
     */
    static final String MOVED = "{\"codes\":\"moved to scanned-codes.journal: this station home is used by a newer "
            + "agent; to use an older one, delete this file and scan the codes again\"}\n";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private LegacyScannedCodes() {}

    /**
     * The codes in the old file at {@code file}, oldest first; none when it is absent or already
     * {@link #MOVED}.
     *
     * @throws IOException naming the file, when it is not a scanned-codes file (not JSON, an entry
     *     without {@code codeId}, {@code text} or {@code scannedAt})
     */
    static List<ScannedCodes.Scanned> read(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JacksonException e) {
            throw damaged(file, e.getOriginalMessage());
        } catch (IOException e) {
            // Not JSON's syntax but its encoding (bytes that are no UTF-8, -16 or -32): as damaged.
            throw damaged(file, e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw damaged(file, "not a JSON object");
        }
        JsonNode codes = root.get("codes");
        if (codes == null || codes.isNull() || codes.isTextual()) {
            // No codes, or the marker this agent left: nothing to carry over.
            return List.of();
        }
        if (!codes.isArray()) {
            throw damaged(file, "codes is not a list");
        }
        List<ScannedCodes.Scanned> found = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            ScannedCodes.Scanned scanned;
            try {
                scanned = JSON.treeToValue(codes.get(i), ScannedCodes.Scanned.class);
            } catch (JacksonException e) {
                throw damaged(file, "codes[" + i + "]: " + e.getOriginalMessage());
            }
            if (scanned == null || scanned.codeId() == null || scanned.text() == null || scanned.scannedAt() == null) {
                throw damaged(file, "codes[" + i + "] lacks codeId, text or scannedAt");
            }
            found.add(scanned);
        }
        return List.copyOf(found);
    }

    /** Whether {@code file} exists and is not yet {@link #MOVED}: its codes (if any) are still to be carried over. */
    static boolean pending(Path file) throws IOException {
        try {
            return !Arrays.equals(Files.readAllBytes(file), MOVED.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Replaces the old file with {@link #MOVED} (durably: the journal that holds its codes is durable first). */
    static void markMoved(Path file) throws IOException {
        DurableFiles.writePrivate(file, MOVED.getBytes(StandardCharsets.UTF_8));
    }

    private static IOException damaged(Path file, String reason) {
        return new IOException(file + " is not a scanned-codes file (" + reason
                + "); delete it and scan the codes again");
    }
}
