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
            return Runnable::run;
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

    @Test
    void pausesAboveTheLimitResumesWhenHalfDrainedAndCommitsInOrder() throws Exception {
        ManualPool pool = new ManualPool();
        FileUploadStore store = new FileUploadStore(root);
        MemoryUploadLocker locker = new MemoryUploadLocker();
        TusService tus = new TusService(store, locker, (upload, data) -> new CompletionOutcome.Accepted(new byte[0]),
                pool, Clock.systemUTC(), new TusService.Settings(1000, Duration.ofHours(1), 100),
                new ServerMetrics(new RequestJournal(1)));
        UploadInfo upload = store.create(300, UploadMetadata.empty(), "station-1", Clock.systemUTC().instant(),
                Clock.systemUTC().instant().plusSeconds(60));
        RecordingExchange exchange = new RecordingExchange();
        exchange.headers.set("Content-Length", "180");
        BodyTransfer transfer = new BodyTransfer(tus, exchange, Optional.empty());
        transfer.hold(locker.tryLock(upload.id()).orElseThrow());
        transfer.submit(() -> transfer.open(upload));

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
        assertEquals(List.of("pause", "resume"), exchange.reads);
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
}
