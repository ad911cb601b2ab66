package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.testing.Envelopes;
import dev.codebound.agent.testing.FakeTime;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spooled envelope that no longer matches its recorded length or hash is never uploaded. */
class CorruptionTest {
    @TempDir
    Path temp;

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-01T23:00:00Z"));

    @Test
    void intactEnvelopePassesVerification() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            String id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            assertEquals(EntryState.QUEUED, spool.verify(id).state());
        }
    }

    @Test
    void truncatedEnvelopeIsMarkedCorrupt() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            String id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            try (RandomAccessFile file = new RandomAccessFile(spool.envelopeFile(id).toFile(), "rw")) {
                file.setLength(69_999);
            }
            SpoolEntry entry = spool.verify(id);
            assertEquals(EntryState.CORRUPT, entry.state());
            assertTrue(entry.lastError().contains("69999 bytes, expected 70000"), entry.lastError());
            assertEquals(1, spool.status().count(EntryState.CORRUPT));
        }
    }

    @Test
    void flippedByteIsMarkedCorruptAndStaysCorruptOnRetry() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            String id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            flipBit(spool.envelopeFile(id), 12_345);
            SpoolEntry entry = spool.verify(id);
            assertEquals(EntryState.CORRUPT, entry.state());
            assertTrue(entry.lastError().contains("SHA-256"), entry.lastError());
            assertEquals(EntryState.CORRUPT, spool.retry(id).state(), "a retry re-checks the file first");
        }
    }

    @Test
    void truncationIsNoticedWhenTheSpoolOpens() throws IOException {
        Path root = temp.resolve("spool");
        String id;
        try (Spool spool = Spool.open(root, time.clock())) {
            id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            try (RandomAccessFile file = new RandomAccessFile(spool.envelopeFile(id).toFile(), "rw")) {
                file.setLength(1_000);
            }
        }
        try (Spool spool = Spool.open(root, time.clock())) {
            assertEquals(EntryState.CORRUPT, spool.entry(id).orElseThrow().state());
            assertTrue(spool.recoveryReport().hasCorruption());
        }
    }

    @Test
    void readVerifiedReturnsExactlyTheBytesItChecked() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            Path source = Envelopes.write(temp, "a.cms", 70_000, 1);
            byte[] expected = Files.readAllBytes(source);
            String id = spool.enqueue(source, "c", "s", "a.cms").id();
            Spool.ReadEnvelope checked = spool.readVerified(id);
            assertEquals(EntryState.QUEUED, checked.entry().state());
            assertArrayEquals(expected, checked.content());
        }
    }

    @Test
    void readVerifiedOfAnAlteredEnvelopeMarksItCorruptAndReturnsNoBytes() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            String id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            flipBit(spool.envelopeFile(id), 69_999);
            Spool.ReadEnvelope checked = spool.readVerified(id);
            assertEquals(EntryState.CORRUPT, checked.entry().state());
            assertTrue(checked.entry().lastError().contains("SHA-256"), checked.entry().lastError());
            assertNull(checked.content(), "altered bytes are never handed out for sending");
        }
    }

    @Test
    void missingEnvelopeIsMarkedCorrupt() throws IOException {
        try (Spool spool = Spool.open(temp.resolve("spool"), time.clock())) {
            String id = spool.enqueue(Envelopes.write(temp, "a.cms", 70_000, 1), "c", "s", "a.cms").id();
            Files.delete(spool.envelopeFile(id));
            Spool.ReadEnvelope checked = spool.readVerified(id);
            assertEquals(EntryState.CORRUPT, checked.entry().state());
            assertEquals("envelope file is missing", checked.entry().lastError());
            assertNull(checked.content());
        }
    }

    /** Alters one byte of {@code file} in place, as a failing disk or a meddler would. */
    private static void flipBit(Path file, int at) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[at] ^= 0x01;
        Files.write(file, content);
    }
}
