package dev.codebound.bench.sidebyside;

import dev.codebound.bench.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Linux {@code /proc} figures of a running process (the registry, which lives through every round). */
final class Proc {
    private Proc() {}

    /** User plus system CPU seconds of every thread of {@code pid} so far. */
    static double cpuSeconds(long pid) throws IOException {
        ProcStat stat = ProcStat.ofProcess(pid).orElseThrow(() -> new IOException("process " + pid + " has ended"));
        return stat.ownTicks() / ProcStat.TICKS_PER_SECOND;
    }

    /** Peak resident set (VmHWM) in KiB since start or the last {@link #resetPeakRss}. */
    static long peakRssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }

    /** Resets the peak resident set to the current one (writing 5 to clear_refs), so a round sees its own peak. */
    static void resetPeakRss(long pid) throws IOException {
        Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5", StandardCharsets.US_ASCII);
    }

    /** The 1-, 5- and 15-minute load averages, as {@code /proc/loadavg} gives them. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
