package dev.codebound.agent.desk;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.upload.UploadSettings;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * One day of the capture desk, as {@code serve} runs it: starts the desk over the station's spool
 * and transfer log, its page and its scanner readers, waits for SIGTERM (or Ctrl-C, or an interrupt
 * of the calling thread), then stops the desk with a grace for an upload in flight.
 *
 * <p>The spool and the log are released only after a clean stop. An upload abandoned at the end of
 * its grace still writes to both; the process's end then releases them, exactly as after a crash,
 * and the next start resumes it.
 */
public final class DeskRun {
    /**
     * How the day runs.
     *
     * @param desk           the desk's folder, timings and pairing
     * @param page           the loopback address and port of the desk page
     * @param scannerStdin   whether scanned codes are also read from {@code stdin}
     * @param scannerDevice  a scanner's device file to read codes from, or {@code null}
     * @param uploadEvery    how often the upload scheduler looks at the window and the spool
     * @param stopGrace      at a stop, how long an upload in flight may take to finish
     */
    public record Options(DeskService.Settings desk, InetSocketAddress page, boolean scannerStdin, Path scannerDevice,
            Duration uploadEvery, Duration stopGrace) {
        /** Validates. */
        public Options {
            Objects.requireNonNull(desk, "desk");
            Objects.requireNonNull(page, "page");
            if (uploadEvery.toSeconds() < 1 || stopGrace.isNegative()) {
                throw new IllegalArgumentException("the upload interval must be at least 1 second and the stop grace "
                        + "not negative");
            }
        }
    }

    private DeskRun() {}

    /**
     * Runs the desk until a stop is requested. Takes over {@code spool}: it is closed when the run ends
     * cleanly or fails to start.
     *
     * @param stdin where {@link Options#scannerStdin} codes come from
     * @param out   where the page's address and the stop are announced
     * @param err   where a stop that went wrong is reported (before a SIGTERM'd JVM ends)
     * @return whether the stop was clean (no upload abandoned)
     * @throws java.net.BindException when the page's port is taken
     */
    public static boolean run(StationContext station, Spool spool, Options options, InputStream stdin,
            PrintWriter out, PrintWriter err) throws Exception {
        TransferLog log = null;
        DeskService desk;
        try {
            log = TransferLog.open(station.home(), Clock.systemUTC(), station.credentials());
            desk = DeskService.start(station, options.desk(), spool, log,
                    DeskService.configuredUploads(station, () -> UploadSettings.Overrides.NONE), options.uploadEvery());
        } catch (Exception e) {
            if (log != null) {
                log.close();
            }
            spool.close();
            throw e;
        }
        Boolean clean = null;
        try (InputStream device = options.scannerDevice() == null ? null
                        : Files.newInputStream(options.scannerDevice());
                DeskServer page = DeskServer.start(desk, options.page(), station.home().deskToken(), Clock.systemUTC())) {
            if (options.scannerStdin()) {
                desk.readScanner(stdin, "standard input");
            }
            if (device != null) {
                desk.readScanner(device, options.scannerDevice().toString());
            }
            out.println("desk page: " + page.url() + " (log in with the access token in "
                    + station.home().deskToken() + ")");
            out.println("watching " + options.desk().folder().toAbsolutePath() + "; SIGTERM or Ctrl-C stops the desk");
            out.flush();
            StopSignal signal = StopSignal.install();
            try {
                signal.await();
                clean = desk.stop(options.stopGrace());
                out.println(clean ? "desk stopped" : "desk stopped; the upload in flight was abandoned and resumes at "
                        + "the next start");
                out.flush();
            } catch (RuntimeException | InterruptedException | Error e) {
                // Printed here: once the stop signal is done, a SIGTERM'd JVM ends before any handler could print it.
                err.println("error: the desk did not stop cleanly: " + e);
                err.flush();
                throw e;
            } finally {
                signal.done();
            }
        } finally {
            if (clean == null) {
                // Failed before the stop signal (the page's port, the scanner device): stop the desk all the same.
                clean = desk.stop(options.stopGrace());
            }
        }
        if (clean) {
            log.close();
            spool.close();
        }
        return clean;
    }

    /**
     * SIGTERM or Ctrl-C (through a shutdown hook), or an interrupt of the running thread (an
     * in-process stop): either way the same clean stop. The hook holds the JVM until {@link #done()},
     * so the desk finishes its stop before the process ends.
     */
    private static final class StopSignal {
        private final CountDownLatch requested = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook = new Thread(() -> {
            requested.countDown();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "codebound-desk-stop");

        static StopSignal install() {
            StopSignal signal = new StopSignal();
            Runtime.getRuntime().addShutdownHook(signal.hook);
            return signal;
        }

        void await() {
            try {
                requested.await();
            } catch (InterruptedException interrupted) {
                // An in-process stop: the desk stops cleanly below, as at SIGTERM.
            }
        }

        void done() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running and returns now that the stop is done.
            }
        }
    }
}
