package dev.codebound.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * JDK Flight Recorder around one measured phase, and a summary of where the samples fell: by top
 * frame, by kind of code (JDK crypto, Bouncy Castle, TLS, disk sync, Netty, OkHttp, our code), by
 * thread (client or server side) and by the first Codebound frame on the stack. Samples of threads
 * in native code ({@code jdk.NativeMethodSample}, e.g. fsync or socket waits) are counted apart from
 * Java execution samples.
 */
public final class JfrProfile {
    private JfrProfile() {}

    public static Recording start() throws IOException {
        try {
            Recording recording = new Recording(Configuration.getConfiguration("profile"));
            recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            // Every fsync, not only the slow ones the profile setting keeps: durability is a cost to count.
            recording.enable("jdk.FileForce").withThreshold(java.time.Duration.ZERO).withStackTrace();
            recording.start();
            return recording;
        } catch (ParseException e) {
            throw new IOException(e);
        }
    }

    public static Map<String, Object> stopAndSummarize(Recording recording, Path file) throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", file.getFileName().toString());
        summary.put("execution", summarize(file, "jdk.ExecutionSample"));
        summary.put("native", summarize(file, "jdk.NativeMethodSample"));
        summary.put("fsync", fsyncs(file));
        return summary;
    }

    /** Prints a summary from {@link #stopAndSummarize}, one key per line, nested maps indented under theirs. */
    @SuppressWarnings("unchecked")
    public static void print(Map<String, Object> summary, String indent) {
        for (Map.Entry<String, Object> entry : summary.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> nested) {
                System.out.println(indent + entry.getKey() + ":");
                print((Map<String, Object>) nested, indent + "  ");
            } else {
                System.out.println(indent + entry.getKey() + ": " + entry.getValue());
            }
        }
    }

    public static Map<String, Object> summarize(Path file, String eventType) throws IOException {
        Map<String, Integer> topFrames = new HashMap<>();
        Map<String, Integer> kinds = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals(eventType)) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            String top = name(frames.get(0));
            topFrames.merge(top, 1, Integer::sum);
            kinds.merge(kind(frames), 1, Integer::sum);
            String thread = event.getThread("sampledThread") != null
                    ? event.getThread("sampledThread").getJavaName() : "?";
            threads.merge(thread == null ? "?" : thread.replaceAll("-?\\d+", "-N"), 1, Integer::sum);
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (name.startsWith("dev.codebound.") && !name.startsWith("dev.codebound.bench.")) {
                    ours.merge(name, 1, Integer::sum);
                    break;
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("samples", total);
        summary.put("byKind", top(kinds, 20, total));
        summary.put("byThread", top(threads, 12, total));
        summary.put("topFrames", top(topFrames, 20, total));
        summary.put("firstCodeboundFrame", top(ours, 15, total));
        return summary;
    }

    /** Every fsync the JDK recorded ({@code jdk.FileForce}): how many, how long, and who asked for them. */
    public static Map<String, Object> fsyncs(Path file) throws IOException {
        Map<String, Integer> count = new HashMap<>();
        Map<String, Double> millis = new HashMap<>();
        int total = 0;
        double totalMillis = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.FileForce")) {
                continue;
            }
            total++;
            double ms = event.getDuration().toNanos() / 1e6;
            totalMillis += ms;
            String who = "?";
            if (event.getStackTrace() != null) {
                String ours = null;
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    String name = name(frame);
                    if (name.startsWith("dev.codebound.") && !name.startsWith("dev.codebound.protocol.io.")) {
                        ours = name;
                        break;
                    }
                }
                who = ours == null ? "?" : ours;
            }
            count.merge(who, 1, Integer::sum);
            millis.merge(who, ms, Double::sum);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("count", total);
        summary.put("totalMillis", Math.round(totalMillis));
        Map<String, String> callers = new LinkedHashMap<>();
        count.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(20)
                .forEach(e -> callers.put(e.getKey(), e.getValue() + " fsyncs, " + Math.round(millis.get(e.getKey()))
                        + " ms"));
        summary.put("byCaller", callers);
        return summary;
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** A coarse kind for a stack, from its innermost frames. */
    static String kind(List<RecordedFrame> frames) {
        for (int i = 0; i < Math.min(frames.size(), 12); i++) {
            String n = name(frames.get(i));
            if (n.contains("FileDispatcherImpl.force") || n.contains("FileChannelImpl.force")) {
                return "disk sync (fsync)";
            }
            if (n.startsWith("com.sun.crypto.provider.GaloisCounterMode") || n.startsWith("com.sun.crypto.provider.GHASH")
                    || n.startsWith("com.sun.crypto.provider.AES") || n.startsWith("com.sun.crypto.provider.CounterMode")) {
                return "AES-GCM (JDK)";
            }
            if (n.startsWith("sun.security.provider.SHA") || n.startsWith("sun.security.provider.DigestBase")) {
                return "SHA-2 (JDK)";
            }
            if (n.startsWith("sun.security.ec") || n.startsWith("sun.security.util.math")) {
                return "EC public key (JDK, TLS handshakes)";
            }
            if (n.startsWith("org.bouncycastle.math") || n.startsWith("org.bouncycastle.crypto.signers")
                    || n.startsWith("org.bouncycastle.crypto.agreement")) {
                return "EC public key (Bouncy Castle)";
            }
            if (n.startsWith("org.bouncycastle")) {
                return "Bouncy Castle other (ASN.1, CMS)";
            }
            if (n.startsWith("sun.security.ssl")) {
                return "TLS record layer (JDK)";
            }
        }
        String n = name(frames.get(0));
        if (n.startsWith("sun.nio.ch") || n.startsWith("java.io.File") || n.startsWith("sun.nio.fs")
                || n.startsWith("java.nio.file")) {
            return "file and socket I/O";
        }
        if (n.startsWith("io.netty")) {
            return "Netty";
        }
        if (n.startsWith("okhttp3") || n.startsWith("okio")) {
            return "OkHttp/Okio";
        }
        if (n.startsWith("com.fasterxml")) {
            return "Jackson";
        }
        if (n.startsWith("dev.codebound")) {
            return "Codebound code";
        }
        if (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.")) {
            String type = frames.get(0).getMethod().getType().getName();
            return "JDK other (" + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
        }
        return "other";
    }

    private static Map<String, String> top(Map<String, Integer> counts, int limit, int total) {
        Map<String, String> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> top.put(e.getKey(), e.getValue() + " (" + Math.round(100.0 * e.getValue() / total)
                        + "%)"));
        return top;
    }
}
