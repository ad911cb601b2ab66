package dev.codebound.bench.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * This process's CPU time, user and system, from {@code /proc/self/stat} (which keeps the time of
 * threads that have ended, such as the journals' sync threads of a closed spool), and the JIT
 * compiler threads' share apart, from {@code /proc/self/task/<tid>/stat} (their names start with
 * {@code C1 CompilerThre} or {@code C2 CompilerThre}): a JVM that has not reached its steady state
 * spends much of a run compiling.
 */
record ThreadTicks(long user, long system, long compiler) {
    /** Linux's clock ticks per second ({@code getconf CLK_TCK}), 100 on every kernel this runs on. */
    private static final double MILLIS_PER_TICK = 10.0;

    static ThreadTicks now() {
        long compiler = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                // After the name: the state is field 3 of proc(5), utime field 14 and stime field 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    compiler += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] process = self.substring(self.lastIndexOf(')') + 2).split(" ");
            return new ThreadTicks(Long.parseLong(process[11]), Long.parseLong(process[12]), compiler);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's CPU times", e);
        }
    }

    /** The CPU used since {@code earlier}. */
    Cpu since(ThreadTicks earlier) {
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
    record Cpu(double user, double system, double compiler) {
        double total() {
            return user + system;
        }

        Cpu minus(Cpu other) {
            return new Cpu(user - other.user, system - other.system, compiler - other.compiler);
        }

        Cpu divide(double by) {
            return new Cpu(user / by, system / by, compiler / by);
        }
    }
}
