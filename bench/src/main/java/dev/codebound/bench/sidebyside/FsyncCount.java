package dev.codebound.bench.sidebyside;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Counts {@code fsync} and {@code fdatasync} calls with {@code strace -f -c}. strace slows every system call
 * of the traced processes, so the counts come from a separate pass whose times are not reported.
 */
final class FsyncCount {
    private static final List<String> STRACE = List.of("strace", "-f", "-c", "-e", "trace=fsync,fdatasync");

    private FsyncCount() {}

    /**
     * {@code command} run under strace, which writes its summary to {@code summary}. A seccomp filter stops
     * the traced processes only at the counted calls, which keeps the pass short (it cannot be used when
     * attaching to a running process).
     */
    static List<String> traced(Path summary, List<String> command) {
        List<String> traced = new ArrayList<>(STRACE);
        traced.addAll(List.of("--seccomp-bpf", "-o", summary.toString()));
        traced.addAll(command);
        return traced;
    }

    /**
     * Attaches strace to the running process {@code pid}: with {@code -f} to all its threads and to those it
     * starts later ("Process PID attached with N threads"), returning once attached. Stop it with {@link #detach}.
     */
    static Process attach(long pid, Path summary) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(STRACE);
        command.addAll(List.of("-o", summary.toString(), "-p", Long.toString(pid)));
        Process strace = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CountDownLatch attached = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(strace.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    if (line.contains("attached")) {
                        attached.countDown();
                    }
                }
            } catch (IOException e) {
                // strace exited; detach() reports whether it left a summary
            }
        }, "strace-stderr");
        reader.setDaemon(true);
        reader.start();
        if (!attached.await(30, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
            throw new IOException("strace did not attach to process " + pid + " within 30 s (is ptrace allowed "
                    + "here? try: strace -f -p " + pid + ")");
        }
        return strace;
    }

    /** Stops an attached strace (SIGTERM: it detaches and writes its summary) and counts the calls. */
    static long detach(Process strace, Path summary) throws IOException, InterruptedException {
        strace.destroy();
        if (!strace.waitFor(30, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
            throw new IOException("strace did not stop within 30 s after SIGTERM");
        }
        return count(summary);
    }

    /** The fsync plus fdatasync calls in a {@code strace -c} summary (0 when strace saw none). */
    static long count(Path summary) throws IOException {
        if (!Files.exists(summary)) {
            throw new IOException("strace wrote no summary to " + summary);
        }
        long calls = 0;
        for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
            String[] columns = line.strip().split("\\s+");
            String syscall = columns[columns.length - 1];
            if (columns.length >= 5 && (syscall.equals("fsync") || syscall.equals("fdatasync"))) {
                calls += Long.parseLong(columns[3]);
            }
        }
        return calls;
    }
}
