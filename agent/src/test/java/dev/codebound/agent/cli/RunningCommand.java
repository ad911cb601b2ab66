package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * A long-running command ({@code watch}) run in-process on its own thread, with a standard input
 * the test types into as a scanner would. {@link #stop()} interrupts it, as stopping the watch.
 */
final class RunningCommand {
    /** How long a test waits for something the command does within a few polls; generous for a busy machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final PipedOutputStream scanner = new PipedOutputStream();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exitCode = new AtomicInteger(-1);
    private final Thread thread;

    private RunningCommand(Map<String, String> variables, String... args) throws IOException {
        PipedInputStream stdin = new PipedInputStream(scanner, 64 * 1024);
        CommandLine commandLine = AgentCommand.commandLine(new AgentEnvironment(variables, stdin, false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        thread = new Thread(() -> exitCode.set(commandLine.execute(args)), "command under test");
    }

    /** Starts {@code args} with the station's environment. */
    static RunningCommand start(TestStation station, String... args) throws IOException {
        RunningCommand command = new RunningCommand(station.environment(), args);
        command.thread.start();
        return command;
    }

    /** Types one line, as a keyboard-wedge scanner does. */
    void scan(String line) throws IOException {
        scanner.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        scanner.flush();
    }

    /** Ends the standard input (the scanner unplugged, or the pipe feeding it closed). */
    void endInput() throws IOException {
        scanner.close();
    }

    /** Waits until standard output contains {@code text}. */
    void awaitOut(String text) throws InterruptedException {
        await(() -> out.toString().contains(text), "standard output to contain '" + text + "'");
    }

    /** Waits until standard error contains {@code text}. */
    void awaitErr(String text) throws InterruptedException {
        await(() -> err.toString().contains(text), "standard error to contain '" + text + "'");
    }

    /** Waits until {@code condition} holds. */
    void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                fail("gave up waiting for " + what + "\n" + both());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the command to end by itself (no interrupt) and returns what it did. */
    CliRun awaitExit() throws InterruptedException, IOException {
        thread.join(PATIENCE.toMillis());
        scanner.close();
        if (thread.isAlive()) {
            fail("the command did not end\n" + both());
        }
        return new CliRun(exitCode.get(), out.toString(), err.toString());
    }

    /** Stops the command and returns what it did. */
    CliRun stop() throws InterruptedException, IOException {
        thread.interrupt();
        thread.join(PATIENCE.toMillis());
        scanner.close();
        if (thread.isAlive()) {
            fail("the command did not stop\n" + both());
        }
        return new CliRun(exitCode.get(), out.toString(), err.toString());
    }

    String both() {
        return "--- out ---\n" + out + "--- err ---\n" + err;
    }
}
