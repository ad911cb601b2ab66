package dev.codebound.bench.nodes;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The table of {@link NodesBench}: medians over the rounds, and each subject's ratios to the embedded registry. */
final class NodesReport {
    private NodesReport() {}

    static void print(Map<Deployment.Kind, List<NodesBench.Measurement>> results, int stations, int photos,
            PrintStream out) {
        out.printf("%nUpload of %d stations x %d photos (%d files of about 45 KiB), medians over %d rounds%n",
                stations, photos, stations * photos, results.values().iterator().next().size());
        out.printf("%-28s | %8s | %19s | %13s | %10s | %19s | %s%n", "subject", "files/s", "CPU ms/photo: total",
                "JVM (c+nodes)", "PostgreSQL", "DB conn./commits/ph", "vs (a): files/s, CPU");
        out.println("-".repeat(28) + "-+-" + "-".repeat(8) + "-+-" + "-".repeat(19) + "-+-" + "-".repeat(13)
                + "-+-" + "-".repeat(10) + "-+-" + "-".repeat(19) + "-+-" + "-".repeat(20));
        List<NodesBench.Measurement> embedded = results.get(Deployment.Kind.EMBEDDED);
        double baseRate = median(embedded, NodesBench.Measurement::filesPerSecond);
        double baseCpu = median(embedded, NodesBench.Measurement::cpuMillisPerPhoto);
        for (Map.Entry<Deployment.Kind, List<NodesBench.Measurement>> entry : results.entrySet()) {
            List<NodesBench.Measurement> rounds = entry.getValue();
            double rate = median(rounds, NodesBench.Measurement::filesPerSecond);
            double cpu = median(rounds, NodesBench.Measurement::cpuMillisPerPhoto);
            out.printf("%-28s | %8.1f | %19.1f | %13.1f | %10.1f | %8.1f / %8.1f | %.2f×, %.2f×%n",
                    entry.getKey().label, rate, cpu, median(rounds, m -> 1000 * m.jvmCpuSeconds() / m.files()),
                    median(rounds, m -> 1000 * m.databaseCpuSeconds() / m.files()),
                    median(rounds, m -> (double) m.database().sessions() / m.files()),
                    median(rounds, m -> (double) m.database().commits() / m.files()), rate / baseRate, cpu / baseCpu);
        }
        out.println("The stations and every node run in this one JVM: its CPU is theirs together. PostgreSQL's is "
                + "its server's processes.");
    }

    private static double median(List<NodesBench.Measurement> rounds, ToDoubleFunction<NodesBench.Measurement> f) {
        double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
