package dev.codebound.bench;

import java.util.List;

/** The median the benchmarks report over their rounds. */
public final class Median {
    private Median() {
    }

    /** The middle value of {@code values}, or the mean of the two middle ones for an even count. */
    public static double of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
