package dev.codebound.bench.sidebyside;

/**
 * One subject's figures in one round.
 *
 * @param subject which tool moved the photos (see {@link Subject})
 * @param round 1-based
 * @param files photos moved
 * @param seconds wall time of the transfer (see docs/performance.md for what each subject's time spans)
 * @param clientCpuSeconds user plus system CPU of the client process(es)
 * @param serverCpuSeconds user plus system CPU of the server during the transfer
 * @param clientPeakRssKiB the client's peak resident set
 * @param serverPeakRssKiB the server's peak resident set during the transfer
 * @param loadAverage the machine's load averages (1, 5, 15 minutes) just before the subject ran
 */
record Measurement(Subject subject, int round, int files, double seconds, double clientCpuSeconds,
        double serverCpuSeconds, long clientPeakRssKiB, long serverPeakRssKiB, String loadAverage) {
    double filesPerSecond() {
        return files / seconds;
    }

    /** Client plus server CPU per photo, in milliseconds (equal to CPU-seconds per 1000 photos). */
    double cpuMillisPerPhoto() {
        return (clientCpuSeconds + serverCpuSeconds) * 1000 / files;
    }
}
