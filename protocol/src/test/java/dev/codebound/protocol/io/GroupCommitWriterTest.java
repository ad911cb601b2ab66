package dev.codebound.protocol.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class GroupCommitWriterTest {

    @Test
    void itemsSubmittedWhileABatchIsWrittenShareTheNextBatchInOrder() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstBatch = new CountDownLatch(1);
        List<List<Integer>> batches = new ArrayList<>();
        GroupCommitWriter<Integer> writer = new GroupCommitWriter<>("test", batch -> {
            synchronized (batches) {
                batches.add(List.copyOf(batch));
            }
            firstBatchStarted.countDown();
            await(releaseFirstBatch);
        });
        try {
            CompletableFuture<Void> first = writer.submit(0);
            assertTrue(firstBatchStarted.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Void>> later = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                later.add(writer.submit(i));
            }
            assertFalse(first.isDone(), "not durable before its batch writer returned");
            releaseFirstBatch.countDown();
            for (CompletableFuture<Void> durable : later) {
                GroupCommitWriter.await(durable);
            }
            assertTrue(first.isDone());
        } finally {
            writer.close();
        }
        assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4, 5)), batches);
    }

    @Test
    void aFailedBatchFailsItsItemsAndEveryLaterOne() {
        GroupCommitWriter<String> writer = new GroupCommitWriter<>("failing", batch -> {
            throw new IOException("disk full");
        });
        try {
            IOException failed = assertThrows(IOException.class, () -> GroupCommitWriter.await(writer.submit("a")));
            assertEquals("disk full", failed.getMessage());
            IOException later = assertThrows(IOException.class, () -> GroupCommitWriter.await(writer.submit("b")));
            assertEquals("disk full", later.getMessage(), "fail closed: the file's tail is unknown");
        } finally {
            writer.close();
        }
    }

    @Test
    void aRuntimeExceptionOfTheBatchWriterFailsTheBatchAsAnIoFailure() {
        GroupCommitWriter<String> writer = new GroupCommitWriter<>("buggy", batch -> {
            throw new IllegalStateException("bug");
        });
        try {
            IOException failed = assertThrows(IOException.class, () -> GroupCommitWriter.await(writer.submit("a")));
            assertTrue(failed.getMessage().contains("buggy"), failed.getMessage());
        } finally {
            writer.close();
        }
    }

    @Test
    void closeWaitsForEverythingSubmittedAndThenRefusesMore() throws Exception {
        List<String> written = new ArrayList<>();
        GroupCommitWriter<String> writer = new GroupCommitWriter<>("closing", batch -> {
            LockSupport.parkNanos(5_000_000);
            synchronized (written) {
                written.addAll(batch);
            }
        });
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(writer.submit("item-" + i));
        }
        writer.close();
        for (CompletableFuture<Void> durable : futures) {
            assertTrue(durable.isDone() && !durable.isCompletedExceptionally());
        }
        assertEquals(20, written.size());
        IOException refused = assertThrows(IOException.class, () -> GroupCommitWriter.await(writer.submit("late")));
        assertEquals("closing is closed", refused.getMessage());
    }

    @Test
    void anInterruptDoesNotEndTheUninterruptibleWaitAndIsKept() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommitWriter<String> writer = new GroupCommitWriter<>("slow", batch -> await(release));
        try {
            CompletableFuture<Void> durable = writer.submit("record");
            Thread.currentThread().interrupt();
            Thread releaser = new Thread(() -> {
                LockSupport.parkNanos(50_000_000);
                release.countDown();
            });
            releaser.start();
            try {
                GroupCommitWriter.awaitUninterruptibly(durable);
                assertTrue(durable.isDone() && !durable.isCompletedExceptionally(), "returned only once durable");
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is set again for the caller");
            } finally {
                Thread.interrupted();
                releaser.join();
            }
        } finally {
            writer.close();
        }
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the batch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
