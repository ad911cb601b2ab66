package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.admin.RequestJournal;
import dev.codebound.server.admin.ServerMetrics;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.StationIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure and ordering of a body's disk work, with a storage executor the test runs by hand:
 * reading pauses while more than the buffer limit waits for the disk, and resumes once half drained.
 */
class BodyTransferTest {
    @TempDir
    Path root;

    /** A storage pool that runs nothing until told to. */
    private static final class ManualPool implements Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    /** Records what the transfer asks of the connection. */
    private static final class RecordingExchange implements Exchange {
        final HttpHeaders headers = new DefaultHttpHeaders();
        final List<String> reads = new ArrayList<>();
        final List<FullHttpResponse> answers = new ArrayList<>();
        int eventLoopTasks;

        @Override
        public HttpMethod method() {
            return HttpMethod.PATCH;
        }

        @Override
        public String path() {
            return "/files/x";
        }

        @Override
        public HttpHeaders headers() {
            return headers;
        }

        @Override
        public String parameter(String name) {
            return null;
        }

        @Override
        public boolean fromLoopback() {
            return true;
        }

        @Override
        public Map<String, List<String>> query() {
            return Map.of();
        }

        @Override
        public Optional<StationIdentity> station() {
            return Optional.of(new StationIdentity("station-1", "dev"));
        }

        @Override
        public Executor eventLoop() {
            return task -> {
                eventLoopTasks++;
                task.run();
            };
        }

        @Override
        public void respond(FullHttpResponse response) {
            answers.add(response);
        }

        @Override
        public void pauseReading() {
            reads.add("pause");
        }

        @Override
        public void resumeReading() {
            reads.add("resume");
        }
    }

    /** A body transfer of one new upload, locked and opened, as the request handler starts it. */
    private record Opened(ManualPool pool, FileUploadStore store, MemoryUploadLocker locker, UploadInfo upload,
            RecordingExchange exchange, BodyTransfer transfer) {}

    /** A transfer whose upload does not exist yet (a creation's), with what it runs on. */
    private record Started(ManualPool pool, FileUploadStore store, MemoryUploadLocker locker,
            RecordingExchange exchange, BodyTransfer transfer) {}

    /**
     * Starts a transfer of a {@code contentLength}-byte body, the service accepting uploads up to
     * {@code maxSize} and queueing up to {@code bufferedBytes} of a request's body for disk; the disk
     * work waits in a {@link ManualPool}.
     */
    private Started start(long maxSize, int bufferedBytes, int contentLength) throws IOException {
        ManualPool pool = new ManualPool();
        FileUploadStore store = new FileUploadStore(root);
        MemoryUploadLocker locker = new MemoryUploadLocker();
        TusService tus = new TusService(store, locker, (upload, data) -> new CompletionOutcome.Accepted(new byte[0]),
                pool, Clock.systemUTC(), new TusService.Settings(maxSize, Duration.ofHours(1), bufferedBytes),
                new ServerMetrics(new RequestJournal(1)));
        RecordingExchange exchange = new RecordingExchange();
        exchange.headers.set("Content-Length", Integer.toString(contentLength));
        return new Started(pool, store, locker, exchange, new BodyTransfer(tus, exchange, Optional.empty()));
    }

    /** {@link #start}, into a new upload of {@code uploadLength} bytes that the transfer holds and opens. */
    private Opened open(long maxSize, int bufferedBytes, int uploadLength, int contentLength)
            throws IOException {
        Started started = start(maxSize, bufferedBytes, contentLength);
        UploadInfo upload = started.store().create(uploadLength, UploadMetadata.empty(), "station-1",
                Clock.systemUTC().instant(), Clock.systemUTC().instant().plusSeconds(60));
        BodyTransfer transfer = started.transfer();
        transfer.hold(started.locker().tryLock(upload.id()).orElseThrow());
        transfer.submit(() -> transfer.open(upload));
        return new Opened(started.pool(), started.store(), started.locker(), upload, started.exchange(), transfer);
    }

    @Test
    void pausesAboveTheLimitResumesWhenHalfDrainedAndCommitsInOrder() throws Exception {
        Opened opened = open(1000, 100, 300, 180);
        ManualPool pool = opened.pool();
        FileUploadStore store = opened.store();
        MemoryUploadLocker locker = opened.locker();
        UploadInfo upload = opened.upload();
        RecordingExchange exchange = opened.exchange();
        BodyTransfer transfer = opened.transfer();

        List<ByteBuf> pieces = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ByteBuf piece = Unpooled.buffer(60).writeBytes(new byte[] {(byte) i}).writeZero(59);
            pieces.add(piece);
            transfer.accept(piece, i == 2, (stored, outcome) -> Responses.empty(HttpResponseStatus.NO_CONTENT));
            if (i == 1) {
                assertEquals(List.of("pause"), exchange.reads, "120 queued bytes exceed the 100-byte limit");
            }
        }
        assertTrue(exchange.answers.isEmpty(), "nothing is acknowledged before the disk work ran");
        pool.runAll();
        // Only the body's last batch drains the queue below half the limit, and it does not report back: the
        // answer itself ends the request's pause (the dispatcher clears it when the request finishes).
        assertEquals(List.of("pause"), exchange.reads);
        assertEquals(1, exchange.answers.size());
        assertEquals(204, exchange.answers.get(0).status().code());
        assertEquals(180, store.info(upload.id()).orElseThrow().offset());
        byte[] data = Files.readAllBytes(store.dataFile(upload.id()));
        assertEquals(180, data.length);
        assertEquals(1, data[60]);
        assertEquals(2, data[120]);
        assertTrue(pieces.stream().allMatch(piece -> piece.refCnt() == 0), "every piece is released");
        assertTrue(locker.tryLock(upload.id()).isPresent(), "the lock is released after the answer");
    }

    /**
     * A small body's pieces are gathered on the event loop and written by one storage task, which does not
     * return to the event loop before the answer: not a storage task and an event-loop task per piece, nor a
     * wake-up of the event loop to count bytes drained once the whole body is read. Its bytes, in order, are
     * all written before the answer, and every piece is released.
     */
    @Test
    void aSmallBodyIsWrittenByOneTaskWithoutReturningToTheEventLoopBeforeItsAnswer() throws Exception {
        Opened opened = open(100_000, 1 << 20, 3 * 8192, 3 * 8192);
        ManualPool pool = opened.pool();
        FileUploadStore store = opened.store();
        UploadInfo upload = opened.upload();
        RecordingExchange exchange = opened.exchange();
        BodyTransfer transfer = opened.transfer();

        List<ByteBuf> pieces = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Three pieces of 8 KiB, then the empty last piece the HTTP decoder ends a body with.
            ByteBuf piece = i < 3 ? Unpooled.buffer(8192).writeBytes(new byte[] {(byte) (i + 1)}).writeZero(8191)
                    : Unpooled.EMPTY_BUFFER.retainedDuplicate();
            pieces.add(piece);
            transfer.accept(piece, i == 3, (stored, outcome) -> Responses.empty(HttpResponseStatus.NO_CONTENT));
        }
        pool.runAll();
        assertEquals(0, exchange.eventLoopTasks, "no return to the event loop before the answer");
        assertEquals(List.of(), exchange.reads, "never paused");
        assertEquals(204, exchange.answers.get(0).status().code());
        byte[] data = Files.readAllBytes(store.dataFile(upload.id()));
        assertEquals(3 * 8192, data.length);
        assertEquals(1, data[0]);
        assertEquals(2, data[8192]);
        assertEquals(3, data[2 * 8192]);
        assertTrue(pieces.subList(0, 3).stream().allMatch(piece -> piece.refCnt() == 0), "every piece is released");
    }

    /**
     * A step held for the body (a creation) runs in the body's first storage task, before its bytes: a small
     * body created in its request wakes the storage pool once, not once for the creation and again for the bytes.
     */
    @Test
    void aStepHeldForTheBodyRunsInTheSameTaskAsTheBodysBytes() throws Exception {
        Started started = start(100_000, 1 << 20, 16384);
        ManualPool pool = started.pool();
        FileUploadStore store = started.store();
        MemoryUploadLocker locker = started.locker();
        RecordingExchange exchange = started.exchange();
        BodyTransfer transfer = started.transfer();
        List<UploadInfo> created = new ArrayList<>();
        transfer.submitWithBody(() -> {
            UploadInfo upload = store.create(16384, UploadMetadata.empty(), "station-1", Clock.systemUTC().instant(),
                    Clock.systemUTC().instant().plusSeconds(60));
            created.add(upload);
            transfer.hold(locker.tryLock(upload.id()).orElseThrow());
            transfer.open(upload);
        });
        assertTrue(pool.queued.isEmpty(), "nothing for the storage pool before the body");
        transfer.accept(Unpooled.buffer(8192).writeZero(8192), false, (stored, outcome) -> null);
        transfer.accept(Unpooled.buffer(8192).writeBytes(new byte[] {7}).writeZero(8191), false,
                (stored, outcome) -> null);
        transfer.accept(Unpooled.EMPTY_BUFFER.retainedDuplicate(), true,
                (stored, outcome) -> Responses.empty(HttpResponseStatus.CREATED));
        assertEquals(1, pool.queued.size(), "one wake-up of the storage pool for the creation and the whole body");
        pool.runAll();
        assertEquals(201, exchange.answers.get(0).status().code());
        UploadInfo upload = created.get(0);
        assertEquals(16384, store.info(upload.id()).orElseThrow().offset());
        assertEquals(7, Files.readAllBytes(store.dataFile(upload.id()))[8192]);
    }

    /** Pieces gathered but not yet handed to the disk are released when the connection breaks, and never written. */
    @Test
    void aBrokenConnectionReleasesTheGatheredPieces() throws Exception {
        Opened opened = open(100_000, 1 << 20, 3 * 8192, 3 * 8192);
        ManualPool pool = opened.pool();
        FileUploadStore store = opened.store();
        MemoryUploadLocker locker = opened.locker();
        UploadInfo upload = opened.upload();
        RecordingExchange exchange = opened.exchange();
        BodyTransfer transfer = opened.transfer();
        List<ByteBuf> pieces = List.of(Unpooled.buffer(8192).writeZero(8192), Unpooled.buffer(8192).writeZero(8192));
        pieces.forEach(piece -> transfer.accept(piece, false, (stored, outcome) -> Responses.empty(
                HttpResponseStatus.NO_CONTENT)));
        transfer.abort();
        pool.runAll();
        assertTrue(pieces.stream().allMatch(piece -> piece.refCnt() == 0), "every piece is released");
        assertEquals(0, Files.size(store.dataFile(upload.id())), "nothing of the broken body is kept");
        assertTrue(exchange.answers.isEmpty());
        assertTrue(locker.tryLock(upload.id()).isPresent(), "the lock is released");
    }
}
