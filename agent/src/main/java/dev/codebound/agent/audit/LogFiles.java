package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the transfer log lives under {@link StationHome#log()} and how its bytes split into lines:
 *
 * <pre>
 * log/transfer-log.jsonl              the records, one per line, each ending in '\n'
 * log/transfer-log.lock               held (OS file lock) by the one process appending
 * log/certificates/&lt;sha256&gt;.pem     every station certificate that signed a checkpoint
 * </pre>
 */
final class LogFiles {
    private LogFiles() {}

    /** The log's lines without their newlines, and the bytes after the last newline (a torn write). */
    record Content(List<String> lines, byte[] tail) {
        boolean torn() {
            return tail.length > 0;
        }
    }

    static Path file(StationHome home) {
        return home.log().resolve("transfer-log.jsonl");
    }

    static Path lock(StationHome home) {
        return home.log().resolve("transfer-log.lock");
    }

    static Path certificates(StationHome home) {
        return home.log().resolve("certificates");
    }

    /** Splits a log file's bytes into complete lines and a torn tail. */
    static Content split(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return new Content(lines, Arrays.copyOfRange(bytes, start, bytes.length));
    }

    static Content read(Path file) throws IOException {
        return split(Files.readAllBytes(file));
    }
}
