package dev.codebound.bench.nodes;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * CPU seconds used so far by this JVM and by a PostgreSQL server's process tree, read from Linux's
 * {@code /proc}. The server's figure is the postmaster's own time, the time of the children it has
 * already reaped ({@code cutime}, {@code cstime}: backends whose connection closed) and the time of the
 * children still running (the backends of the open connections, the WAL writer, the checkpointer).
 */
final class CpuClock {
    /** The kernel's clock ticks per second ({@code USER_HZ}), which is 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuClock() {}

    /** CPU seconds (user + system) of this process, every thread, since it started. */
    static double jvmSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU seconds of the server whose postmaster is {@code postmaster}, or 0 when there is none. */
    static double postgresSeconds(OptionalLong postmaster) throws IOException {
        if (postmaster.isEmpty()) {
            return 0;
        }
        long pid = postmaster.getAsLong();
        long[] own = stat(pid);
        long ticks = own[0] + own[1] + own[2] + own[3];
        for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(List.of())) {
            long[] times = stat(child.pid());
            ticks += times[0] + times[1];
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** utime, stime, cutime, cstime of {@code pid}; zeros if it has just exited. */
    private static long[] stat(long pid) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "stat");
        String line;
        try {
            line = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new long[4];
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state); utime..cstime are fields 14..17.
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                Long.parseLong(fields[14])};
    }
}
