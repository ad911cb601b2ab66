package dev.codebound.protocol.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LogEntryTest {
    private static final HexFormat HEX = HexFormat.of();

    static LogEntry sample(int n) {
        byte[] sha = NaiveMerkle.sha256(("envelope " + n).getBytes(StandardCharsets.US_ASCII));
        return new LogEntry(sha, "C-" + n, "station-" + (n % 7), Instant.ofEpochMilli(1_780_000_000_000L + n));
    }

    @Test
    void encodingFollowsTheDocumentedLayout() {
        byte[] sha = new byte[32];
        Arrays.fill(sha, (byte) 0xAB);
        LogEntry entry = new LogEntry(sha, "K7", "st1", Instant.ofEpochMilli(0x0102030405L));
        String expected = "01" + "ab".repeat(32) + "0000000102030405" + "02" + "4b37" + "03" + "737431";
        assertEquals(expected, HEX.formatHex(entry.encode()));
        assertArrayEquals(NaiveMerkle.leaf(HEX.parseHex(expected)), entry.leafHash());
    }

    @Test
    void decodeInvertsEncodeAndTimeKeepsMilliseconds() {
        LogEntry entry = new LogEntry(new byte[32], "x".repeat(64), "y".repeat(64),
                Instant.parse("2026-06-30T09:15:00.123456789Z"));
        assertEquals(Instant.parse("2026-06-30T09:15:00.123Z"), entry.acceptedAt());
        assertEquals(LogEntry.MAX_ENCODED_LENGTH, entry.encode().length);
        assertEquals(entry, LogEntry.decode(entry.encode()));
        assertEquals(sample(3), LogEntry.decode(sample(3).encode()));
    }

    @Test
    void decodeRejectsNonCanonicalBytes() {
        byte[] good = sample(1).encode();
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertMessage("trailing", () -> LogEntry.decode(longer));
        byte[] version2 = good.clone();
        version2[0] = 2;
        assertMessage("version 2", () -> LogEntry.decode(version2));
        byte[] nonAscii = good.clone();
        nonAscii[42] = (byte) 0xC3;
        assertMessage("printable ASCII", () -> LogEntry.decode(nonAscii));
        byte[] overrun = good.clone();
        overrun[41] = 100;
        assertMessage("runs past the end", () -> LogEntry.decode(overrun));
        assertMessage("bytes, got 3", () -> LogEntry.decode(new byte[3]));
    }

    @Test
    void constructorRejectsBadFields() {
        Instant now = Instant.now();
        assertMessage("32 bytes", () -> new LogEntry(new byte[31], "c", "s", now));
        assertMessage("code id must be 1..64", () -> new LogEntry(new byte[32], "", "s", now));
        assertMessage("station id must be 1..64", () -> new LogEntry(new byte[32], "c", "s".repeat(65), now));
        assertMessage("without spaces", () -> new LogEntry(new byte[32], "a b", "s", now));
    }

    private static void assertMessage(String part, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
