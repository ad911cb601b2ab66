package dev.codebound.agent.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines a keyboard-wedge scanner types into standard input, read on a daemon thread (a read
 * blocks until the next scan) and handed to the watch loop through a queue. The reading thread
 * only reads: it verifies, prints and records nothing, so everything a scan causes happens on the
 * watch loop's thread, in scan order, and the queue is the only state the two threads share.
 */
public final class ScannerInput {
    /** What the scanner produced. */
    public sealed interface Item {}

    /** One non-blank line, stripped. */
    public record Line(String text) implements Item {}

    /** The input ended; {@code problem} is why when reading failed, empty at a normal end of input. */
    public record Ended(Optional<String> problem) implements Item {}

    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();

    private ScannerInput() {}

    /** Starts reading {@code in} on a daemon thread. */
    public static ScannerInput start(InputStream in) {
        ScannerInput input = new ScannerInput();
        Thread reader = new Thread(() -> input.readAll(in), "codebound-scanner");
        reader.setDaemon(true);
        reader.start();
        return input;
    }

    /**
     * The next item, waiting at most {@code timeout} for one (the watch loop's poll interval).
     *
     * @throws InterruptedException when the watch is being stopped
     */
    public Optional<Item> next(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(items.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The next item, waiting as long as it takes (for {@code watch --once}, which reads every scan first). */
    public Item take() throws InterruptedException {
        return items.take();
    }

    /** The next item if one is waiting, without blocking. */
    public Optional<Item> next() {
        return Optional.ofNullable(items.poll());
    }

    private void readAll(InputStream in) {
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    items.add(new Line(line.strip()));
                }
            }
            items.add(new Ended(Optional.empty()));
        } catch (IOException | RuntimeException e) {
            items.add(new Ended(Optional.of(String.valueOf(e.getMessage()))));
        }
    }
}
