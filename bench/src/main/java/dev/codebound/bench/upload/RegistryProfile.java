package dev.codebound.bench.upload;

import dev.codebound.bench.Median;
import dev.codebound.bench.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the registry's CPU goes, read from outside its process: its CPU by thread group from
 * {@code /proc/PID/task} ({@link #threadCpu}), the summary of {@code strace -c} attached to it
 * ({@link #printSyscalls}), and a flight recording taken with {@code jcmd PID JFR.start} and
 * {@code JFR.stop} around one upload, its samples split by what the registry was doing for the
 * upload: TLS, HTTP and Netty, the tus bookkeeping (the upload's records and data file), acceptance
 * (opening the envelope and the photo checks), sequencing (the log's batch, checkpoint, receipt and
 * archive record), the rest; with the JIT's compilations and deoptimizations and the collector's
 * pauses over the same time (GC and JIT threads run no Java code and are not sampled: their CPU is
 * in {@link #threadCpu}).
 *
 * <p>A stack is given to the innermost frame that names one of these: TLS and HTTP frames above (inner
 * to) every registry frame are the transport's work even when our handler called them (a response's
 * encryption); otherwise the innermost registry frame's package and class decide. Samples of threads in
 * native code ({@code jdk.NativeMethodSample}) are counted apart, without the waits (epoll, parking,
 * fsync), since BoringSSL and libjpeg run there.
 */
final class RegistryProfile {
    private static final String OURS = "dev.codebound.server.";
    private static final double MILLIS_PER_TICK = 1000 / ProcStat.TICKS_PER_SECOND;

    private RegistryProfile() {}

    /** Starts a recording named {@code name} with the {@code profile} settings in the process {@code pid}. */
    static void start(long pid, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
    }

    /** Stops the recording {@code name} of process {@code pid}, written to {@code file}. */
    static void stop(long pid, String name, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> line = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", line) + " failed: " + output.strip());
        }
    }

    /**
     * CPU milliseconds (user, system) of every thread of process {@code pid} so far, summed by thread name with
     * its numbers taken out ({@code epollEventLoopGroup-3-1} and {@code -3-2} are one group).
     */
    static Map<String, double[]> threadCpu(long pid) throws IOException {
        Map<String, double[]> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                Optional<ProcStat> thread = ProcStat.read(task.resolve("stat"));
                if (thread.isPresent()) {
                    double[] cpu = groups.computeIfAbsent(thread.get().name().replaceAll("#?\\d+", "N"),
                            name -> new double[2]);
                    cpu[0] += thread.get().utime() * MILLIS_PER_TICK;
                    cpu[1] += thread.get().stime() * MILLIS_PER_TICK;
                }
            }
        }
        return groups;
    }

    /**
     * The CPU per photo of each thread group between two {@link #threadCpu} readings (user, system ms; threads
     * that ended in between are missing from it).
     */
    static Map<String, double[]> perPhoto(Map<String, double[]> before, Map<String, double[]> after, int photos) {
        Map<String, double[]> used = new HashMap<>();
        after.forEach((name, cpu) -> {
            double[] earlier = before.getOrDefault(name, new double[2]);
            used.put(name, new double[] {(cpu[0] - earlier[0]) / photos, (cpu[1] - earlier[1]) / photos});
        });
        return used;
    }

    /** Each thread group's median over {@code runs} (of {@link #perPhoto}), largest first, as text. */
    static Map<String, Object> medians(List<Map<String, double[]>> runs) {
        Map<String, double[]> medians = new HashMap<>();
        runs.stream().flatMap(run -> run.keySet().stream()).distinct().forEach(name -> medians.put(name,
                new double[] {median(runs, name, 0), median(runs, name, 1)}));
        Map<String, Object> rows = new LinkedHashMap<>();
        medians.entrySet().stream().filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
                .sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .forEach(e -> rows.put(e.getKey(), String.format(Locale.ROOT, "%.2f ms (user %.2f, system %.2f)",
                        e.getValue()[0] + e.getValue()[1], e.getValue()[0], e.getValue()[1])));
        return rows;
    }

    private static double median(List<Map<String, double[]>> runs, String name, int which) {
        return Median.of(runs.stream().map(run -> run.getOrDefault(name, new double[2])[which]).toList());
    }

    /** The recording's Java and native samples, each by part of the registry, then by top frame. */
    static Map<String, Object> summarize(Path file) throws IOException {
        Map<String, Integer> java = new HashMap<>();
        Map<String, Integer> nativeParts = new HashMap<>();
        Map<String, Integer> javaTop = new HashMap<>();
        Map<String, Integer> nativeTop = new HashMap<>();
        Map<String, Integer> compiled = new HashMap<>();
        Map<String, Integer> deoptimized = new HashMap<>();
        int javaTotal = 0;
        int nativeTotal = 0;
        int compilations = 0;
        double compileMillis = 0;
        double gcPauseMillis = 0;
        int collections = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.Compilation")) {
                compilations++;
                compileMillis += event.getDuration().toNanos() / 1e6;
                RecordedMethod method = event.getValue("method");
                compiled.merge(packageOf(method.getType().getName()) + " (tier " + event.getValue("compileLevel")
                        + ")", 1, Integer::sum);
                continue;
            }
            if (type.equals("jdk.Deoptimization")) {
                RecordedMethod method = event.getValue("method");
                deoptimized.merge(method.getType().getName() + "." + method.getName() + ": "
                        + event.getValue("reason"), 1, Integer::sum);
                continue;
            }
            if (type.equals("jdk.GarbageCollection")) {
                collections++;
                gcPauseMillis += event.getDuration().toNanos() / 1e6;
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                javaTotal++;
                java.merge(part(frames), 1, Integer::sum);
                javaTop.merge(name(frames.get(0)), 1, Integer::sum);
            } else if (type.equals("jdk.NativeMethodSample") && !waiting(name(frames.get(0)))) {
                nativeTotal++;
                nativeParts.merge(part(frames), 1, Integer::sum);
                nativeTop.merge(name(frames.get(0)), 1, Integer::sum);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", file.toString());
        summary.put("Java samples", javaTotal);
        summary.put("Java samples by part", share(java, 20, javaTotal));
        summary.put("Java samples by top frame", share(javaTop, 25, javaTotal));
        summary.put("native samples, waits left out", nativeTotal);
        summary.put("native samples by part", share(nativeParts, 20, nativeTotal));
        summary.put("native samples by top frame", share(nativeTop, 10, nativeTotal));
        summary.put("JIT compilations", compilations + ", " + Math.round(compileMillis) + " ms in all");
        summary.put("JIT compilations by package and tier", share(compiled, 15, compilations));
        summary.put("deoptimizations by method and reason", share(deoptimized, 10,
                deoptimized.values().stream().mapToInt(Integer::intValue).sum()));
        summary.put("garbage collections", collections + ", " + Math.round(gcPauseMillis) + " ms in all");
        return summary;
    }

    /** Prints an {@code strace -c} summary's calls per photo (the 15 most frequent) and the total. */
    static void printSyscalls(Path summary, int photos, String indent) throws IOException {
        Map<String, Long> calls = new HashMap<>();
        for (String line : Files.readAllLines(summary)) {
            String[] columns = line.trim().split("\\s+");
            // "% time, seconds, usecs/call, calls, [errors,] syscall"; the total line has no usecs/call.
            if (columns.length >= 5 && columns[0].matches("[0-9.]+") && columns[3].matches("\\d+")
                    && !columns[columns.length - 1].equals("total")) {
                calls.put(columns[columns.length - 1], Long.parseLong(columns[3]));
            }
        }
        long total = calls.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "%sall system calls: %.1f per photo%n", indent, (double) total / photos);
        calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(e -> System.out.printf(Locale.ROOT, "%s  %-18s %6.1f per photo%n", indent, e.getKey(),
                        (double) e.getValue() / photos));
    }

    /** Which part of the registry a stack belongs to; see the class comment. */
    static String part(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("io.netty.handler.ssl") || type.startsWith("io.netty.internal.tcnative")
                    || type.startsWith("sun.security.ssl")) {
                return "TLS";
            }
            if (type.startsWith("io.netty.handler.codec.http")) {
                return "HTTP codec (Netty)";
            }
            if (type.startsWith(OURS)) {
                return ours(type);
            }
        }
        String top = frames.get(0).getMethod().getType().getName();
        if (top.startsWith("io.netty")) {
            return "Netty (event loop, buffers, sockets)";
        }
        return "other (" + top.substring(0, Math.max(0, top.lastIndexOf('.'))) + ")";
    }

    private static String ours(String type) {
        String rest = type.substring(OURS.length());
        if (rest.startsWith("upload.")) {
            return "tus: records, data file, body (server.upload)";
        }
        if (rest.startsWith("http.")) {
            return "our HTTP layer (server.http)";
        }
        if (rest.startsWith("transparency.") || rest.startsWith("registry.AcceptanceSequencer")
                || rest.startsWith("registry.FilePhotoArchive") || rest.startsWith("registry.PhotoArchive")) {
            return "sequencing: log, checkpoint, receipt, archive";
        }
        if (rest.startsWith("registry.")) {
            return "acceptance: opening, checks (server.registry)";
        }
        return "other of ours (server." + rest.substring(0, Math.max(0, rest.indexOf('.'))) + ")";
    }

    private static boolean waiting(String top) {
        return top.contains("epoll") || top.contains("Epoll.wait") || top.contains(".park")
                || top.contains("force") || top.contains("accept") || top.contains("Object.wait")
                || top.contains("Thread.sleep") || top.contains("socketRead")
                || top.contains("waitForProcessExit");
    }

    private static String packageOf(String type) {
        return type.substring(0, Math.max(0, type.lastIndexOf('.')));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static Map<String, String> share(Map<String, Integer> counts, int limit, int total) {
        Map<String, String> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> top.put(e.getKey(), e.getValue() + " (" + Math.round(100.0 * e.getValue()
                        / Math.max(1, total)) + "%)"));
        return top;
    }
}
