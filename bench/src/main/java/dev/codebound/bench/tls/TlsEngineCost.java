package dev.codebound.bench.tls;

import dev.codebound.bench.Median;
import dev.codebound.bench.Photos;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.bench.e2e.PutLoad;
import dev.codebound.bench.e2e.Sink;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.server.MockRegistry;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * What TLS costs the registry's side of an upload, by TLS engine (issue 10: "if TLS shows in the
 * profiles, measure OpenSSL-backed TLS against the JDK's and keep the faster"). Two sinks (the
 * ceiling's trivial Netty HTTP server, with the registry's own TLS key and mutual TLS) run side by
 * side, one on the JDK's TLS and one on BoringSSL; a station client (OkHttp, the agent's TLS
 * set-up) PUTs the same photo-sized bodies to each, four at a time over kept-alive connections, in
 * interleaved rounds. The figure is the CPU time of the sink's event-loop threads (where TLS and
 * HTTP parsing run) per request, read with {@link ThreadMXBean}: unlike wall time it hardly moves
 * with the machine's load.
 *
 * <pre>java -cp bench/target/codebound-bench.jar dev.codebound.bench.tls.TlsEngineCost [requests] [rounds]</pre>
 */
public final class TlsEngineCost {
    private static final int PARALLEL = 4;

    private TlsEngineCost() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (!OpenSsl.isAvailable()) {
            System.err.println("BoringSSL cannot be loaded here: " + OpenSsl.unavailabilityCause());
            System.exit(3);
        }
        Path work = Files.createTempDirectory("codebound-tls-cost");
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            bodies.add(Photos.jpeg(i + 1));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (MockRegistry server = Fleet.registry(work.resolve("registry"))) {
            StationCredentials station = Fleet.enroll(server, "tls-cost");
            OkHttpClient client = Fleet.client(server, station).build();
            Map<SslProvider, List<Double>> cpuMicros = new LinkedHashMap<>();
            Map<SslProvider, List<Double>> filesPerSecond = new LinkedHashMap<>();
            List<SslProvider> engines = List.of(SslProvider.JDK, SslProvider.OPENSSL);
            List<Sink> sinks = new ArrayList<>();
            try {
                for (SslProvider engine : engines) {
                    sinks.add(Sink.start(Fleet.tlsKey(server), Fleet.tlsCertificate(server),
                            Fleet.jdk(server.keyring().authority().certificate()), 2, engine));
                    cpuMicros.put(engine, new ArrayList<>());
                    filesPerSecond.put(engine, new ArrayList<>());
                }
                for (int i = 0; i < engines.size(); i++) {
                    send(sinks.get(i), client, bodies.subList(0, Math.min(300, requests)));
                }
                for (int round = 0; round < rounds; round++) {
                    for (int k = 0; k < engines.size(); k++) {
                        // Alternate which engine goes first, so neither always runs on a cooler machine.
                        int i = round % 2 == 0 ? k : engines.size() - 1 - k;
                        SslProvider engine = engines.get(i);
                        long before = cpuNanos(threads, Sink.workerThreadPrefix(engine));
                        double seconds = send(sinks.get(i), client, bodies);
                        long used = cpuNanos(threads, Sink.workerThreadPrefix(engine)) - before;
                        cpuMicros.get(engine).add(used / 1e3 / requests);
                        filesPerSecond.get(engine).add(requests / seconds);
                    }
                }
            } finally {
                for (Sink sink : sinks) {
                    sink.close();
                }
            }
            System.out.printf("TLS engine cost: %d PUTs of %.1f KB (spec-valid JPEGs) per round, %d at once, %d rounds, "
                    + "load %s%n", requests, bodies.stream().mapToInt(b -> b.length).average().orElse(0) / 1024,
                    PARALLEL, rounds, Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.printf("%-10s %28s %14s%n", "engine", "server CPU us/request (med)", "files/s (med)");
            for (SslProvider engine : engines) {
                System.out.printf("%-10s %28.1f %14.1f   per round: %s%n", engine, Median.of(cpuMicros.get(engine)),
                        Median.of(filesPerSecond.get(engine)), cpuMicros.get(engine).stream()
                                .map(v -> String.format("%.0f", v)).toList());
            }
            System.out.printf("BoringSSL / JDK server CPU: %.2f%n",
                    Median.of(cpuMicros.get(SslProvider.OPENSSL)) / Median.of(cpuMicros.get(SslProvider.JDK)));
        }
    }

    /** PUTs every body to {@code sink}, {@link #PARALLEL} at a time; returns the seconds it took. */
    private static double send(Sink sink, OkHttpClient client, List<byte[]> bodies) throws Exception {
        return PutLoad.send(List.of(new PutLoad.Lane(client, sink.baseUrl() + "/sink", bodies, PARALLEL)));
    }

    private static long cpuNanos(ThreadMXBean threads, String prefix) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
