package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
    @TempDir
    Path directory;

    /** Opening the log reads only its end; it must see exactly what reading the whole file sees. */
    @Test
    void theTailAgreesWithTheWholeFileWhateverTheLineLengthsAndTornEnd() throws IOException {
        Random random = new Random(20261207);
        for (int round = 0; round < 200; round++) {
            Path log = randomLog(random, "log-" + round);

            LogFiles.Content whole = LogFiles.read(log);
            LogFiles.Tail tail = LogFiles.readTail(log);

            List<String> all = whole.lines();
            assertEquals(all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1)), tail.lastLine(),
                    "round " + round);
            assertArrayEquals(whole.tail(), tail.torn(), "round " + round);
            long lastLineStart = 0;
            for (int i = 0; i < all.size() - 1; i++) {
                lastLineStart += all.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            }
            assertEquals(lastLineStart, tail.lastLineStart(), "round " + round);
        }
    }

    /** Questions about recent records read the log backwards; they must see the lines read() sees, last first. */
    @Test
    void readingBackwardsYieldsEveryCompleteLineLastFirstAndStopsWhenAsked() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Path log = randomLog(random, "log-" + round);
            List<String> expected = new ArrayList<>(LogFiles.read(log).lines());
            Collections.reverse(expected);

            List<String> all = new ArrayList<>();
            LogFiles.readBackwards(log, line -> all.add(line));
            int wanted = expected.isEmpty() ? 0 : random.nextInt(expected.size()) + 1;
            List<String> first = new ArrayList<>();
            LogFiles.readBackwards(log, line -> {
                first.add(line);
                return first.size() < wanted;
            });

            assertEquals(expected, all, "round " + round);
            assertEquals(expected.subList(0, wanted), first, "round " + round);
        }
    }

    @Test
    void anEmptyFileHasNoLastLineAndNothingTorn() throws IOException {
        Path log = Files.createFile(directory.resolve("empty"));

        LogFiles.Tail tail = LogFiles.readTail(log);

        assertEquals(Optional.empty(), tail.lastLine());
        assertArrayEquals(new byte[0], tail.torn());
    }

    /**
     * Up to five lines and perhaps a torn end, with lengths around the step of the backwards read
     * (64 KiB), where an off-by-one would show.
     */
    private Path randomLog(Random random, String name) throws IOException {
        int[] lengths = {0, 1, 2, 100, 65_534, 65_535, 65_536, 65_537, 140_000};
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int lines = random.nextInt(6);
        for (int i = 0; i < lines; i++) {
            file.writeBytes(text(random, lengths[random.nextInt(lengths.length)]));
            file.write('\n');
        }
        if (random.nextBoolean()) {
            file.writeBytes(text(random, lengths[random.nextInt(lengths.length)]));
        }
        return Files.write(directory.resolve(name), file.toByteArray());
    }

    private static byte[] text(Random random, int length) {
        StringBuilder line = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            line.append((char) ('a' + random.nextInt(26)));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }
}
