package dev.codebound.bench.micro;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same operations as the JMH benchmarks, timed round-robin in one JVM: each round times every
 * operation once (a batch of at least {@value #BATCH_MILLIS} ms), so the envelope operation and the
 * primitives it is made of see the same machine load. On a shared machine this ratio is steadier
 * than one computed from JMH scores measured seconds or minutes apart.
 */
final class Interleaved {
    static final int BATCH_MILLIS = 80;

    interface Op {
        Object run() throws Exception;
    }

    private Object sink;

    /** Per-round microseconds per operation, keyed by name. */
    Map<String, double[]> measure(Map<String, Op> ops, int rounds, long warmupMillis) throws Exception {
        long warmEnd = System.nanoTime() + warmupMillis * 1_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (Op op : ops.values()) {
                batch(op, 5);
            }
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        for (String name : ops.keySet()) {
            result.put(name, new double[rounds]);
        }
        List<String> names = new ArrayList<>(ops.keySet());
        for (int r = 0; r < rounds; r++) {
            // Rotate the order so that no operation always follows the same neighbour.
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((k + r) % names.size());
                result.get(name)[r] = batch(ops.get(name), BATCH_MILLIS);
            }
        }
        return result;
    }

    private double batch(Op op, long millis) throws Exception {
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        int n = 0;
        long now;
        do {
            sink = op.run();
            n++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e3 / n;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    Object sink() {
        return sink;
    }
}
