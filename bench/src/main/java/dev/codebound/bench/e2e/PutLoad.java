package dev.codebound.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Plain OkHttp PUTs of prepared bodies to a {@link Sink}: the ceiling an upload is measured
 * against, and the load of the TLS engine comparison. Every worker waits at one barrier so the
 * clock starts when all are ready.
 */
public final class PutLoad {
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    /** One client's share: its bodies PUT to {@code url}, {@code parallelism} at a time. */
    public record Lane(OkHttpClient client, String url, List<byte[]> bodies, int parallelism) {}

    private PutLoad() {}

    /**
     * Sends every lane's bodies, all lanes at once; returns the seconds from the start to the last
     * answer.
     *
     * @throws IllegalStateException if any PUT was not answered 204
     */
    public static double send(List<Lane> lanes) throws Exception {
        int workers = lanes.stream().mapToInt(Lane::parallelism).sum();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CyclicBarrier start = new CyclicBarrier(workers + 1);
        List<Future<Integer>> done = new ArrayList<>();
        try {
            for (Lane lane : lanes) {
                ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>(lane.bodies());
                for (int k = 0; k < lane.parallelism(); k++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        return putAll(lane, queue);
                    }));
                }
            }
            start.await();
            long t0 = System.nanoTime();
            int errors = 0;
            for (Future<Integer> future : done) {
                errors += future.get();
            }
            long elapsed = System.nanoTime() - t0;
            if (errors > 0) {
                throw new IllegalStateException(errors + " PUTs were not answered 204");
            }
            return elapsed / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int putAll(Lane lane, ConcurrentLinkedQueue<byte[]> queue) throws Exception {
        int errors = 0;
        for (byte[] body; (body = queue.poll()) != null; ) {
            Request request = new Request.Builder().url(lane.url()).put(RequestBody.create(body, OCTETS)).build();
            try (Response response = lane.client().newCall(request).execute()) {
                if (response.code() != 204) {
                    errors++;
                }
            }
        }
        return errors;
    }
}
