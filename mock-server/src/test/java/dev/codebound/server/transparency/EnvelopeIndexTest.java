package dev.codebound.server.transparency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class EnvelopeIndexTest {
    @Test
    void equalPrefixesAreAllReturnedAndGrowthKeepsEverything() {
        EnvelopeIndex index = new EnvelopeIndex();
        for (long i = 0; i < 10_000; i++) {
            index.put(hash(i, 0), i);
        }
        index.put(hash(42, 1), 10_000);
        assertArrayEquals(new long[] {42, 10_000}, index.candidates(hash(42, 7)));
        for (long i = 0; i < 10_000; i += 99) {
            if (i != 42) {
                assertArrayEquals(new long[] {i}, index.candidates(hash(i, 3)));
            }
        }
        assertArrayEquals(new long[0], index.candidates(hash(20_000, 0)));
    }

    /** A 32-byte hash whose first 8 bytes are {@code prefix} and whose last byte is {@code tail}. */
    private static byte[] hash(long prefix, int tail) {
        byte[] hash = ByteBuffer.allocate(32).putLong(prefix).array();
        hash[31] = (byte) tail;
        return hash;
    }
}
