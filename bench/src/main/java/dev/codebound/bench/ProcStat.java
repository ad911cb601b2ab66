package dev.codebound.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One line of Linux's {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} (proc(5)): the
 * command name and the CPU times the benchmarks add up, in clock ticks.
 *
 * @param name   the command or thread name (field 2, without its parentheses; it may hold spaces)
 * @param utime  user time (field 14)
 * @param stime  system time (field 15)
 * @param cutime user time of the waited-for children (field 16)
 * @param cstime system time of the waited-for children (field 17)
 */
public record ProcStat(String name, long utime, long stime, long cutime, long cstime) {
    /** The kernel's clock ticks per second ({@code USER_HZ}), 100 on every Linux architecture Java runs on. */
    public static final double TICKS_PER_SECOND = 100.0;

    /** The line of {@code statFile}, or empty when its process or thread has already ended. */
    public static Optional<ProcStat> read(Path statFile) throws IOException {
        String line;
        try {
            line = Files.readString(statFile, StandardCharsets.ISO_8859_1); // any byte of a thread name decodes
        } catch (NoSuchFileException ended) {
            return Optional.empty();
        } catch (IOException e) {
            // A thread that ends between the open and the read fails the read with ESRCH ("No such process").
            if (Files.notExists(statFile)) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(parse(line));
    }

    /** The line of process {@code pid}, or empty when it has already ended. */
    public static Optional<ProcStat> ofProcess(long pid) throws IOException {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    static ProcStat parse(String line) {
        int nameEnd = line.lastIndexOf(')');
        String name = line.substring(line.indexOf('(') + 1, nameEnd);
        // The fields counted from 3 (the state) on start after the name's ')': utime..cstime are 14..17.
        String[] fields = line.substring(nameEnd + 2).split(" ");
        return new ProcStat(name, Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14]));
    }

    /** User plus system time of the process or thread itself, in ticks. */
    public long ownTicks() {
        return utime + stime;
    }
}
