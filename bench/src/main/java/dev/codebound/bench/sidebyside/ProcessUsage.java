package dev.codebound.bench.sidebyside;

import java.util.List;

/**
 * What one finished process used, as {@code wait4()} reported it to {@code rusage.py}.
 *
 * @param argv its command line
 * @param wallSeconds from start to exit
 * @param cpuSeconds user plus system CPU, its own and that of every descendant it waited for
 * @param maxRssKiB its peak resident set (the largest of it and its waited-for descendants)
 * @param exit its exit status (negative: killed by that signal)
 */
record ProcessUsage(List<String> argv, double wallSeconds, double cpuSeconds, long maxRssKiB, int exit) {
    /** Whether any argument equals or ends with {@code word} (e.g. {@code serve}, {@code upload.mjs}). */
    boolean mentions(String word) {
        return argv.stream().anyMatch(arg -> arg.equals(word) || arg.endsWith("/" + word));
    }
}
