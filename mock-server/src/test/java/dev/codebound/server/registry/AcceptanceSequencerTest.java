package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.codebound.server.upload.UploadBytes;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sequencer's leadership under failure: no upload may wait for a leader that is gone. */
class AcceptanceSequencerTest {
    private static final String FIRST = "aa".repeat(32);
    private static final String SECOND = "bb".repeat(32);

    /** An archive whose lookups fail: first with {@code first}, then with a disk error. */
    private static PhotoArchive failingArchive(Error first, AtomicInteger lookups) {
        return new PhotoArchive() {
            @Override
            public Optional<AcceptedPhoto> find(String envelopeSha256) throws IOException {
                if (lookups.getAndIncrement() == 0) {
                    throw first;
                }
                throw new IOException("injected disk failure");
            }

            @Override
            public List<AcceptedPhoto> versions(String codeId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextVersion(String codeId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void adopt(String envelopeSha256, UploadBytes envelope) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<Void> record(AcceptedPhoto photo) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InputStream openEnvelope(String envelopeSha256) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    private static AcceptanceSequencer.Candidate candidate(String sha) {
        // Only the hash is reached on the paths under test: the lookup fails before anything else.
        return new AcceptanceSequencer.Candidate(null, null, sha, null, "/files/test");
    }

    /**
     * Regression: an Error in the leader (a stack overflow, memory running out) used to leave the
     * sequencer marked as led, so every later upload queued for a leader that no longer existed and
     * waited for ever. The leader now gives up the lead, fails what it held, and lets the error go on.
     */
    @Test
    void anErrorInTheLeaderLeavesNoLaterUploadWaitingForEver() {
        AtomicInteger lookups = new AtomicInteger();
        AcceptanceSequencer sequencer = new AcceptanceSequencer(null, failingArchive(new StackOverflowError("injected"),
                lookups));
        assertThrows(StackOverflowError.class, () -> sequencer.accept(candidate(FIRST)));
        IOException later = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> sequencer.accept(candidate(SECOND))),
                "a later upload still waits for the leader the error took away");
        assertEquals("injected disk failure", later.getMessage());
        assertEquals(2, lookups.get());
    }
}
