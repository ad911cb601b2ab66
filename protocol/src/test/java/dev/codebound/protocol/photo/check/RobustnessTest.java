package dev.codebound.protocol.photo.check;

import static dev.codebound.protocol.photo.TestJpegs.GOOD;
import static dev.codebound.protocol.photo.TestJpegs.SEED;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.TestJpegs;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged input never makes the inspector throw: every outcome is a report. */
class RobustnessTest {
    private static final PhotoInspector INSPECTOR = new PhotoInspector();

    @Test
    void everyTruncationIsReportedNotThrown() {
        for (int length = 0; length < GOOD.length; length += 97) {
            PhotoReport report = INSPECTOR.inspect(Arrays.copyOf(GOOD, length));
            assertNotNull(report);
            assertFalse(report.isAcceptable(), "a photo cut at byte " + length + " was accepted");
        }
    }

    @Test
    void randomByteFlipsAreReportedNotThrown() {
        Random random = new Random(SEED);
        int rejected = 0;
        int runs = 300;
        for (int run = 0; run < runs; run++) {
            byte[] damaged = GOOD.clone();
            int flips = 1 + random.nextInt(8);
            // Half the runs damage the headers, where the parser does its work; the rest anywhere.
            int range = run % 2 == 0 ? TestJpegs.scanDataOffset(GOOD) + 16 : damaged.length;
            for (int i = 0; i < flips; i++) {
                damaged[random.nextInt(range)] ^= (byte) (1 + random.nextInt(255));
            }
            if (!INSPECTOR.inspect(damaged).isAcceptable()) {
                rejected++;
            }
        }
        // Not every flip is detectable (e.g. inside a comment or a Huffman table's unused codes),
        // but most must be.
        assertTrue(rejected > runs / 2, rejected + " of " + runs + " damaged photos rejected");
    }

    @Test
    void randomGarbageAfterAJpegSignatureIsReportedNotThrown() {
        Random random = new Random(SEED);
        for (int run = 0; run < 500; run++) {
            byte[] garbage = new byte[random.nextInt(2000)];
            random.nextBytes(garbage);
            if (garbage.length >= 3) {
                garbage[0] = (byte) 0xFF;
                garbage[1] = (byte) 0xD8;
                garbage[2] = (byte) 0xFF;
            }
            assertFalse(INSPECTOR.inspect(garbage).isAcceptable());
        }
    }
}
