package dev.codebound.protocol.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Fuzz test for replaying a {@link GroupCommitJournal} file, the format the station's spool and the
 * registry's upload store and archive keep their state in (docs/security-fuzzing.md). A journal is
 * written only by its own process, but a disk, a backup or a person can hand any bytes back to
 * {@code open}; replay must then keep exactly the intact records and cut the rest, never more, never
 * less, and never throw anything but the documented {@link IOException} for a file that is not a
 * journal at all. Seeds: a spool journal written by the quickstart, whole, torn and empty.
 */
class JournalFuzzTest {
    private static final byte[] HEADER = "CBJRNL01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Path DIRECTORY = temporaryDirectory();

    /**
     * Reading replays a prefix of whole, CRC-checked records that re-frames to exactly the bytes it
     * claims; opening replays the same records and cuts the file to that prefix; a second open finds
     * nothing to cut.
     */
    @FuzzTest(maxDuration = "60s")
    void replay(byte[] input) throws IOException {
        Path file = DIRECTORY.resolve("journal");
        Files.write(file, input);
        List<byte[]> read = new ArrayList<>();
        GroupCommitJournal.Replay replay;
        try {
            replay = GroupCommitJournal.read(file, record -> read.add(bytes(record)));
        } catch (IOException e) {
            assertTrue(input.length < HEADER.length || !Arrays.equals(input, 0, HEADER.length, HEADER, 0,
                    HEADER.length), "only a file without the journal header is refused: " + e.getMessage());
            return;
        }
        assertEquals(read.size(), replay.records());
        assertEquals(input.length, replay.bytes() + replay.cutBytes());
        assertArrayEquals(Arrays.copyOf(input, (int) replay.bytes()), framed(read),
                "the records replayed are exactly the intact prefix of the file");

        List<byte[]> opened = new ArrayList<>();
        try (GroupCommitJournal journal = GroupCommitJournal.open(file, false, record -> opened.add(bytes(record)))) {
            assertEquals(replay, journal.replay());
        }
        assertRecordsEqual(read, opened);
        assertEquals(replay.bytes(), Files.size(file), "opening cuts the torn tail and nothing else");
        try (GroupCommitJournal again = GroupCommitJournal.open(file, false, record -> { })) {
            assertEquals(0, again.replay().cutBytes());
            assertEquals(replay.records(), again.replay().records());
        }
    }

    private static byte[] framed(List<byte[]> records) {
        ByteBuffer out = ByteBuffer.allocate(HEADER.length + records.stream().mapToInt(r -> 8 + r.length).sum());
        out.put(HEADER);
        for (byte[] record : records) {
            CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.allocate(4).putInt(0, record.length));
            crc.update(record);
            out.putInt(record.length).putInt((int) crc.getValue()).put(record);
        }
        return out.array();
    }

    private static void assertRecordsEqual(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "record " + i);
        }
    }

    private static byte[] bytes(ByteBuffer record) {
        byte[] copy = new byte[record.remaining()];
        record.get(copy);
        return copy;
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("journal-fuzz");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
