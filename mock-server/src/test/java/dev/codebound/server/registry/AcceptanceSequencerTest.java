package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.transparency.LogStorage;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.LocalFileBytes;
import dev.codebound.server.upload.UploadBytes;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadState;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequencer's leadership: no upload may wait for a leader that is gone, nor for batches queued
 * behind its own.
 */
class AcceptanceSequencerTest {
    private static final String FIRST = "aa".repeat(32);
    private static final String SECOND = "bb".repeat(32);
    private static final String THIRD = "cc".repeat(32);

    @TempDir
    Path directory;

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

    /**
     * Regression: the first upload's own storage thread used to lead, sequencing batch after batch
     * until the queue was empty, so its answer waited for every batch queued behind its own (a log
     * sync each), its record long durable. Here the log holds the first batch until a second
     * envelope is queued, then holds that second batch for good: the first upload must be answered
     * all the same.
     */
    @Test
    void anUploadIsAnsweredWithoutWaitingForTheBatchesQueuedBehindItsOwn() throws Exception {
        CountDownLatch firstBatchInLog = new CountDownLatch(1);
        CountDownLatch secondQueued = new CountDownLatch(1);
        CountDownLatch secondBatchInLog = new CountDownLatch(1);
        CountDownLatch releaseSecondBatch = new CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        RegistryStores embedded = RegistryStores.embedded(directory.resolve("registry"));
        LogStorage holding = holdingLog(embedded.log(), () -> {
            if (batches.getAndIncrement() == 0) {
                firstBatchInLog.countDown();
                await(secondQueued);
            } else {
                secondBatchInLog.countDown();
                await(releaseSecondBatch);
            }
        });
        RegistryStores stores = new RegistryStores(embedded.stations(), embedded.tokens(), embedded.codes(),
                embedded.photos(), holding, embedded.trustBundle());
        try (Registry registry = Registry.open(stores, RegistryFixture.KEYRING,
                RegistryFixture.clockAt(RegistryFixture.NOW), Set.of(1, 2), 1)) {
            AcceptanceSequencer sequencer = new AcceptanceSequencer(registry, registry.photos());
            CompletableFuture<CompletionOutcome> first = CompletableFuture.supplyAsync(() -> accept(sequencer, FIRST));
            assertTrue(firstBatchInLog.await(30, TimeUnit.SECONDS), "the first batch never reached the log");
            FutureTask<CompletionOutcome> second = new FutureTask<>(() -> accept(sequencer, SECOND));
            FutureTask<CompletionOutcome> third = new FutureTask<>(() -> accept(sequencer, THIRD));
            waitUntilQueued(second, third);
            secondQueued.countDown();
            assertTrue(secondBatchInLog.await(30, TimeUnit.SECONDS), "the second batch never reached the log");
            CompletionOutcome answered = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> first.get(),
                    "the first upload waits for the batch queued behind its own");
            assertInstanceOf(CompletionOutcome.Accepted.class, answered);
            assertFalse(second.isDone(), "the second batch is still held in the log");
            releaseSecondBatch.countDown();
            assertInstanceOf(CompletionOutcome.Accepted.class, second.get(30, TimeUnit.SECONDS));
            assertInstanceOf(CompletionOutcome.Accepted.class, third.get(30, TimeUnit.SECONDS));
        } finally {
            releaseSecondBatch.countDown();
        }
    }

    /** A log storage that runs {@code beforeEachBatch} before handing each batch to {@code storage}. */
    private static LogStorage holdingLog(LogStorage storage, Runnable beforeEachBatch) {
        return (LogStorage) Proxy.newProxyInstance(LogStorage.class.getClassLoader(), new Class<?>[] {LogStorage.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("appendWithCheckpoint") || method.getName().equals("append")) {
                        beforeEachBatch.run();
                    }
                    try {
                        return method.invoke(storage, arguments);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the log");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs each task on a thread of its own and returns once every one waits for its outcome:
     * queued, since nothing else in accept() parks a thread (a thread blocked on the queue's
     * monitor is BLOCKED, not WAITING).
     */
    private static void waitUntilQueued(FutureTask<?>... accepting) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (FutureTask<?> task : accepting) {
            Thread thread = new Thread(task, "accepting");
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            while (thread.getState() != Thread.State.WAITING) {
                assertTrue(thread.isAlive(), "an accepting thread ended before it was queued");
                Thread.onSpinWait();
            }
        }
    }

    private CompletionOutcome accept(AcceptanceSequencer sequencer, String sha) {
        try {
            Path file = Files.write(directory.resolve(sha + ".data"), new byte[] {1, 2, 3});
            UploadInfo upload = new UploadInfo(UploadId.random(), 3, UploadMetadata.empty(), "station-1",
                    RegistryFixture.NOW, RegistryFixture.NOW.plusSeconds(60), 3, UploadState.AWAITING_OUTCOME);
            Binding binding = Binding.withCodeProof(1, "code-" + sha.substring(0, 8), new byte[32],
                    HexFormat.of().parseHex(sha), 3, "image/jpeg", "station-1", RegistryFixture.NOW);
            return sequencer.accept(new AcceptanceSequencer.Candidate(upload, new LocalFileBytes(file, 3), sha, binding,
                    "/files/" + upload.id().value()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
