package dev.codebound.bench.capture;

import dev.codebound.bench.ProcStat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A process's CPU time, user and system, from {@code /proc/<pid>/stat} (which keeps the time of
 * threads that have ended, such as the journals' sync threads of a closed spool), and the JIT
 * compiler threads' share apart, from {@code /proc/<pid>/task/<tid>/stat} (their names start with
 * {@code C1 CompilerThre} or {@code C2 CompilerThre}): a JVM that has not reached its steady state
 * spends much of a run compiling.
 */
public record ThreadTicks(long user, long system, long compiler) {
    private static final double MILLIS_PER_TICK = 1000 / ProcStat.TICKS_PER_SECOND;

    /** This process's CPU so far. */
    public static ThreadTicks now() {
        return of(Path.of("/proc/self"));
    }

    /** The CPU so far of another process on this machine (a registry in its own process, say). */
    public static ThreadTicks ofProcess(long pid) {
        return of(Path.of("/proc", Long.toString(pid)));
    }

    private static ThreadTicks of(Path process) {
        long compiler = 0;
        try (Stream<Path> tasks = Files.list(process.resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                Optional<ProcStat> thread = ProcStat.read(task.resolve("stat"));
                if (thread.isPresent() && (thread.get().name().startsWith("C1 CompilerThre")
                        || thread.get().name().startsWith("C2 CompilerThre"))) {
                    compiler += thread.get().ownTicks();
                }
            }
            ProcStat stat = ProcStat.read(process.resolve("stat"))
                    .orElseThrow(() -> new IOException(process + " has ended"));
            return new ThreadTicks(stat.utime(), stat.stime(), compiler);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU times of " + process, e);
        }
    }

    /** The CPU used since {@code earlier}. */
    public Cpu since(ThreadTicks earlier) {
        return new Cpu((user - earlier.user) * MILLIS_PER_TICK, (system - earlier.system) * MILLIS_PER_TICK,
                (compiler - earlier.compiler) * MILLIS_PER_TICK);
    }

    /**
     * CPU milliseconds.
     *
     * @param user     user time, all threads
     * @param system   system time (the kernel on the process's behalf: file writes, fsyncs, renames)
     * @param compiler the JIT compiler threads' user and system time, part of the two above
     */
    public record Cpu(double user, double system, double compiler) {
        public double total() {
            return user + system;
        }

        public Cpu minus(Cpu other) {
            return new Cpu(user - other.user, system - other.system, compiler - other.compiler);
        }

        public Cpu divide(double by) {
            return new Cpu(user / by, system / by, compiler / by);
        }
    }
}
