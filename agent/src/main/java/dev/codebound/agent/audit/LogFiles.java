package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationHome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

    /**
     * The log's last complete line, if any, where it starts in the file (0 when there is none), and
     * the bytes after it (a torn write).
     */
    record Tail(Optional<String> lastLine, long lastLineStart, byte[] torn) {}

    /** Bytes read from the end of the file per step while looking for the last complete line. */
    private static final int TAIL_STEP = 64 * 1024;

    /**
     * The end of a log file, read backwards from its end only as far as the start of its last
     * complete line: what opening the log for appending needs (the chain's head and last seq, and
     * whether a crash tore the last write), at a cost that does not grow with the station's history.
     * Agrees with {@link #read}: {@code lastLine} is the last of its {@code lines}, {@code torn} its {@code tail}.
     */
    static Tail readTail(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            byte[] end = new byte[0];
            long start = size;
            // Grow the window read from the end until it holds the newline before the last complete line.
            while (true) {
                int lastNewline = lastIndexOf(end, end.length - 1);
                int previousNewline = lastNewline < 0 ? -1 : lastIndexOf(end, lastNewline - 1);
                if (previousNewline >= 0 || start == 0) {
                    byte[] torn = Arrays.copyOfRange(end, lastNewline + 1, end.length);
                    Optional<String> lastLine = lastNewline < 0 ? Optional.empty()
                            : Optional.of(new String(end, previousNewline + 1, lastNewline - previousNewline - 1,
                                    StandardCharsets.UTF_8));
                    return new Tail(lastLine, lastNewline < 0 ? 0 : start + previousNewline + 1, torn);
                }
                int step = (int) Math.min(TAIL_STEP, start);
                start -= step;
                end = readBefore(channel, start, step, end, file);
            }
        }
    }

    /** Hears the log's complete lines from the last to the first; returns false to stop. */
    interface BackwardLines {
        boolean line(String line);
    }

    /**
     * Hands {@code reader} the file's complete lines, last first, reading the file from its end in
     * steps, so that a question about recent records costs what is recent, not the whole log. A torn
     * tail (bytes after the last newline) is not a line.
     */
    static void readBackwards(Path file, BackwardLines reader) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long start = channel.size();
            // Bytes before the first newline of the window last read: the end of a line that starts earlier.
            byte[] carried = new byte[0];
            boolean tailSkipped = false;
            while (start > 0) {
                int step = (int) Math.min(TAIL_STEP, start);
                start -= step;
                byte[] bytes = readBefore(channel, start, step, carried, file);
                int end = bytes.length;
                for (int newline = lastIndexOf(bytes, end - 1); newline >= 0; newline = lastIndexOf(bytes, newline - 1)) {
                    if (tailSkipped && !reader.line(new String(bytes, newline + 1, end - newline - 1,
                            StandardCharsets.UTF_8))) {
                        return;
                    }
                    tailSkipped = true;
                    end = newline;
                }
                carried = Arrays.copyOf(bytes, end);
            }
            if (tailSkipped) {
                reader.line(new String(carried, StandardCharsets.UTF_8));
            }
        }
    }

    /** The {@code length} bytes at {@code position}, followed by {@code after}: a window that grows towards the start. */
    private static byte[] readBefore(FileChannel channel, long position, int length, byte[] after, Path file)
            throws IOException {
        ByteBuffer window = ByteBuffer.allocate(length + after.length);
        window.limit(length);
        while (window.hasRemaining()) {
            if (channel.read(window, position + window.position()) < 0) {
                throw new IOException(file + " shrank while it was read");
            }
        }
        window.limit(window.capacity());
        window.put(after);
        return window.array();
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
