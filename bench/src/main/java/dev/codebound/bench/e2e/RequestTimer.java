package dev.codebound.bench.e2e;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * A network interceptor that times requests of one method (e.g. PATCH: one tus chunk, from the
 * request head written to the response head read) and counts errors: responses of 400 and above
 * and failed exchanges.
 */
public final class RequestTimer implements Interceptor {
    private final String method;
    private final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    public final AtomicLong errorResponses = new AtomicLong();
    public final AtomicLong failedExchanges = new AtomicLong();
    public final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    public RequestTimer(String method) {
        this.method = method;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long start = System.nanoTime();
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException | RuntimeException e) {
            failedExchanges.incrementAndGet();
            if (errors.size() < 20) {
                errors.add(chain.request().method() + " " + e);
            }
            throw e;
        }
        if (chain.request().method().equals(method)) {
            nanos.add(System.nanoTime() - start);
        }
        if (response.code() >= 400) {
            errorResponses.incrementAndGet();
            if (errors.size() < 20) {
                errors.add(chain.request().method() + " " + response.code());
            }
        }
        return response;
    }

    public int count() {
        return nanos.size();
    }

    /** The {@code p}-th percentile in milliseconds (nearest rank). */
    public double percentileMillis(double p) {
        long[] all = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (all.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * all.length);
        return all[Math.max(0, Math.min(all.length - 1, rank - 1))] / 1e6;
    }

    public double maxMillis() {
        return nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6;
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
