package dev.codebound.agent.cli;

import dev.codebound.agent.desk.DeskRun;
import dev.codebound.agent.desk.DeskService;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the capture desk, one service for the whole day, with its page on loopback. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the capture desk: unlock the station key once, read scanned codes (the desk page's "
                + "field, and --scanner-stdin or --scanner-device), watch the camera's folder, check and seal each "
                + "photo for the code scanned just before it (one scan, one photo, as 'watch --pair-with-last-code'), "
                + "and upload on the station's upload.* schedule, with no cron. The desk page listens on "
                + "127.0.0.1; its access token is written to desk-token in the station home (mode 0600).",
            "The key passphrase comes from $CODEBOUND_KEY_PASSPHRASE, the systemd credential "
                + "codebound-key-passphrase or the file of setting key.passphrase-file, never from an argument. "
                + "SIGTERM stops it cleanly: the photo being sealed is finished, the pairing is closed and "
                + "recorded, an upload in flight gets --stop-grace to finish and otherwise resumes at the next start.",
            "Exit codes: 0 stopped, 2 bad options (DIR not a directory, a non-loopback address, the port in use), "
                + "3 station not set up, not fit to seal, or spool in use, 7 the registry revoked this station."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--folder", required = true, paramLabel = "DIR", description = "The folder the camera writes into.")
    Path folder;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The loopback address the desk page listens on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8780",
            description = "The desk page's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--scanner-stdin", description = "Also read scanned codes from standard input, one per line.")
    boolean scannerStdin;

    @Option(names = "--scanner-device", paramLabel = "FILE",
            description = "Also read scanned codes, one per line, from this device file (a serial or HID scanner, "
                    + "e.g. /dev/ttyACM0 or /dev/hidraw0 in a line mode).")
    Path scannerDevice;

    @Option(names = "--pairing-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long a scan waits for its photo before the pairing closes (default: ${DEFAULT-VALUE}).")
    long pairingTimeoutSeconds;

    @Option(names = "--settle", paramLabel = "MILLIS", defaultValue = "100",
            description = "How long a photo's size must stay unchanged before it is taken, besides its JPEG end "
                    + "marker (default: ${DEFAULT-VALUE}).")
    long settleMillis;

    @Option(names = "--incomplete-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a photo without the JPEG end marker may stay unchanged before it is moved to "
                    + "rejected/ (default: ${DEFAULT-VALUE}).")
    long incompleteAfterSeconds;

    @Option(names = "--poll", paramLabel = "MILLIS", defaultValue = "50",
            description = "How often the folder is looked at (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--upload-every", paramLabel = "SECONDS", defaultValue = "60",
            description = "How often the upload scheduler checks the window, the registry and the spool "
                    + "(default: ${DEFAULT-VALUE}).")
    long uploadEverySeconds;

    @Option(names = "--stop-grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "At a stop, how long an upload in flight may take to finish (default: ${DEFAULT-VALUE}).")
    long stopGraceSeconds;

    @Option(names = "--delete-original", description = "Delete each photo once sealed, instead of moving it to done/.")
    boolean deleteOriginal;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(folder)) {
            throw new AgentFailure(ExitCodes.USAGE, folder + " is not a directory");
        }
        DeskService.Settings settings;
        try {
            settings = new DeskService.Settings(folder, Duration.ofMillis(settleMillis),
                    Duration.ofSeconds(incompleteAfterSeconds), Duration.ofMillis(pollMillis),
                    Duration.ofSeconds(pairingTimeoutSeconds), deleteOriginal);
        } catch (IllegalArgumentException e) {
            throw new AgentFailure(ExitCodes.USAGE, e.getMessage(), e);
        }
        InetSocketAddress address = loopback();
        if (scannerDevice != null && !Files.isReadable(scannerDevice)) {
            throw new AgentFailure(ExitCodes.USAGE, "--scanner-device " + scannerDevice + " does not exist or cannot "
                    + "be read (is the service's user in the device's group, e.g. dialout?)");
        }
        DeskRun.Options options;
        try {
            options = new DeskRun.Options(settings, address, scannerStdin, scannerDevice,
                    Duration.ofSeconds(uploadEverySeconds), Duration.ofSeconds(stopGraceSeconds));
        } catch (IllegalArgumentException e) {
            throw new AgentFailure(ExitCodes.USAGE, "--upload-every must be ≥ 1 second and --stop-grace ≥ 0", e);
        }
        StationContext station = home.context();
        station.requireFitToSeal();
        Spool spool = home.openSpool();
        try {
            DeskRun.run(station, spool, options, home.environment().stdin(), spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        } catch (BindException e) {
            throw new AgentFailure(ExitCodes.USAGE, "cannot listen on " + address + " (" + e.getMessage()
                    + "); another program has the port: choose one with --port", e);
        }
        return ExitCodes.OK;
    }

    private InetSocketAddress loopback() throws AgentFailure {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new AgentFailure(ExitCodes.USAGE, "--bind " + bind + " is not an address", e);
        }
        if (!address.isLoopbackAddress()) {
            throw new AgentFailure(ExitCodes.USAGE, "--bind " + bind + " is not a loopback address: the desk page "
                    + "shows the station's photos over plain HTTP and is for this computer's own screen only");
        }
        if (port < 0 || port > 65535) {
            throw new AgentFailure(ExitCodes.USAGE, "--port must be between 0 and 65535");
        }
        return new InetSocketAddress(address, port);
    }
}
