package dev.codebound.bench.nodes;

import dev.codebound.bench.ProcStat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * CPU seconds used so far by this JVM and by a PostgreSQL server's process tree, read from Linux's
 * {@code /proc}. The server's figure is the postmaster's own time, the time of the children it has
 * already reaped ({@code cutime}, {@code cstime}: backends whose connection closed) and the time of the
 * children still running (the backends of the open connections, the WAL writer, the checkpointer).
 */
final class CpuClock {
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
        long ticks = 0;
        Optional<ProcStat> own = ProcStat.ofProcess(pid);
        if (own.isPresent()) {
            ticks += own.get().ownTicks() + own.get().cutime() + own.get().cstime();
        }
        for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(List.of())) {
            ticks += ProcStat.ofProcess(child.pid()).map(ProcStat::ownTicks).orElse(0L);
        }
        return ticks / ProcStat.TICKS_PER_SECOND;
    }
}
