package dev.codebound.agent.torture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs on this test's class path, tuned to start quickly on a busy machine. */
final class JavaChild {
    private JavaChild() {
    }

    /** {@code java <flags> -cp <test class path> mainClass}; the caller appends the arguments. */
    static List<String> command(String mainClass, String maxHeap) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: these processes live for seconds, and two cores are shared.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-Xmx" + maxHeap, "-Djava.awt.headless=true"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }
}
