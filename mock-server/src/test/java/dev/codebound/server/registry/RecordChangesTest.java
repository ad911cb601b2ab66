package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordChangesTest {
    private final RecordChanges changes = new RecordChanges();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean firstWriteFinished = new AtomicBoolean();

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
    }

    /** A change of record "a" that stays in its (slow) write until the test releases it. */
    private Future<String> slowChangeOfA() {
        return threads.submit(() -> changes.of("a", () -> {
            writing.countDown();
            awaitRelease();
            firstWriteFinished.set(true);
            return "a written";
        }));
    }

    private void awaitRelease() throws IOException {
        try {
            release.await();
        } catch (InterruptedException e) {
            throw new InterruptedIOException("stopped before the test released the write");
        }
    }

    @Test
    void anotherRecordsChangeDoesNotWaitForThisOnesWrite() throws Exception {
        Future<String> slow = slowChangeOfA();
        assertTrue(writing.await(30, TimeUnit.SECONDS));
        assertEquals("b written", changes.of("b", () -> "b written"), "ran while a's write was still going");
        assertFalse(slow.isDone());
        release.countDown();
        assertEquals("a written", slow.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aSecondChangeOfTheSameRecordRunsOnlyAfterTheFirst() throws Exception {
        Future<String> slow = slowChangeOfA();
        assertTrue(writing.await(30, TimeUnit.SECONDS));
        AtomicBoolean firstDoneWhenSecondRan = new AtomicBoolean();
        Future<String> second = threads.submit(() -> changes.of("a", () -> {
            firstDoneWhenSecondRan.set(firstWriteFinished.get());
            return "a changed again";
        }));
        assertFalse(second.isDone());
        release.countDown();
        assertEquals("a changed again", second.get(30, TimeUnit.SECONDS));
        assertEquals("a written", slow.get(30, TimeUnit.SECONDS));
        assertTrue(firstDoneWhenSecondRan.get(), "the second change saw the first one finished");
    }

    @Test
    void aFailedChangeLetsTheNextOneRun() throws Exception {
        assertThrows(IOException.class, () -> changes.of("a", () -> {
            throw new IOException("disk full");
        }));
        assertEquals("a written", changes.of("a", () -> "a written"));
    }
}
