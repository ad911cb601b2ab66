package dev.codebound.agent.cli;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.capture.PhotoSealer;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.CaptureSettings;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.RegistryClock;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationStanding;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.watch.HotFolder;
import dev.codebound.agent.watch.ScannedCodes;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.photo.PhotoInspector;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code watch}: a hot folder for tethered cameras. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Watch a folder a tethered camera writes into and capture each finished photo: a photo "
                + "named <code id>.jpg is sealed for that code, scanned earlier with 'code verify --remember' or "
                + "--code-stdin; with --pair-with-last-code every new photo is sealed for the last code scanned. "
                + "A photo counts as finished when its size has not changed for the settle time and it ends "
                + "with the JPEG end marker; hidden, .tmp and .part files are ignored. Sealed photos move to "
                + "DIR/done/, refused ones to DIR/rejected/ with a .reason.txt.",
            "Exit codes (with --once): 0 every finished photo spooled, 2 DIR is not a directory, 3 station not "
                + "set up or spool in use, 5 some photo rejected."})
final class WatchCommand implements Callable<Integer> {
    private static final String CODE_ID = "[A-Z2-7]{16}";

    @Mixin
    HomeOption home;

    @Parameters(paramLabel = "DIR", description = "The folder the camera writes into.")
    Path directory;

    @Option(names = "--once", description = "Process the finished photos there now, then exit.")
    boolean once;

    @Option(names = "--pair-with-last-code",
            description = "Seal every new photo for the last code scanned, whatever its name (check the pairing "
                    + "the command prints: scan every graduate's code before their photo).")
    boolean pairWithLastCode;

    @Option(names = "--code-stdin", description = "Read scanned codes from standard input, one per line (a "
            + "keyboard-wedge scanner), and remember them for the photos that follow.")
    boolean codeStdin;

    @Option(names = "--settle", paramLabel = "MILLIS", defaultValue = "1000",
            description = "How long a photo's size must stay unchanged before it is taken (default: ${DEFAULT-VALUE}).")
    long settleMillis;

    @Option(names = "--poll", paramLabel = "MILLIS", defaultValue = "500",
            description = "How often the folder is looked at (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--delete-original", description = "Delete each photo once sealed, instead of moving it to done/.")
    boolean deleteOriginal;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private StationHome station;
    private StationConfig config;
    private PhotoInspector inspector;
    private StationCredentials credentials;
    private ScannedCodes scanned;
    private boolean reportedBusy;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(directory)) {
            throw new AgentFailure(ExitCodes.USAGE, directory + " is not a directory");
        }
        if (settleMillis < 0 || pollMillis < 10) {
            throw new AgentFailure(ExitCodes.USAGE, "--settle must be ≥ 0 and --poll ≥ 10 milliseconds");
        }
        out = spec.commandLine().getOut();
        station = home.home();
        config = home.config();
        inspector = new PhotoInspector(CaptureSettings.photoSpec(config));
        credentials = StationKeys.load(station, home.passphrase(config));
        scanned = new ScannedCodes(station.scannedCodes());
        // Fail now, not at the first photo, if the station is not enrolled; each batch reloads the bundle so
        // that a 'trust refresh' during the day takes effect without restarting the watch.
        StationStanding.requireFitToSeal(credentials, new StationTrust(station).bundle(),
                RegistryClock.of(station).last(), config.duration("capture.max-clock-skew"), Instant.now());
        HotFolder folder = new HotFolder(directory, Duration.ofMillis(settleMillis), System::nanoTime);
        if (once) {
            if (codeStdin) {
                readCodes();
            }
            folder.ready();
            Thread.sleep(settleMillis);
            return process(folder, folder.ready()) == 0 ? ExitCodes.OK : ExitCodes.PHOTO_REFUSED;
        }
        if (codeStdin) {
            Thread reader = new Thread(this::readCodesQuietly, "codebound-scanner");
            reader.setDaemon(true);
            reader.start();
        }
        out.println("watching " + directory.toAbsolutePath() + " (Ctrl-C to stop)");
        out.flush();
        while (!Thread.currentThread().isInterrupted()) {
            process(folder, folder.ready());
            Thread.sleep(pollMillis);
        }
        return ExitCodes.OK;
    }

    /** Captures each ready photo; returns how many were rejected. */
    private int process(HotFolder folder, List<Path> ready) throws Exception {
        if (ready.isEmpty()) {
            return 0;
        }
        TrustBundle bundle = new StationTrust(station).bundle();
        CodeVerifier verifier = new CodeVerifier(bundle, config.schools());
        PhotoSealer sealer = new PhotoSealer(inspector, credentials, bundle, station.tmp(), Clock.systemUTC());
        Spool spool;
        try {
            spool = home.openSpool();
        } catch (AgentFailure busy) {
            if (once) {
                throw busy;
            }
            if (!reportedBusy) {
                out.println("waiting: " + busy.getMessage());
                out.flush();
                reportedBusy = true;
            }
            return 0;
        }
        reportedBusy = false;
        int rejected = 0;
        try (spool; TransferLog log = TransferLog.open(station, Clock.systemUTC(), credentials)) {
            for (Path photo : ready) {
                String name = photo.getFileName().toString();
                Optional<String> refusal;
                try {
                    refusal = captureOne(folder, photo, verifier, sealer, spool, log);
                } catch (IOException e) {
                    if (once) {
                        throw e;
                    }
                    // A photo the camera deleted or locked meanwhile must not stop the watch; it is tried again.
                    spec.commandLine().getErr().println("error: " + name + ": " + e.getMessage());
                    spec.commandLine().getErr().flush();
                    continue;
                }
                if (refusal.isPresent()) {
                    rejected++;
                    folder.markRejected(photo, refusal.get());
                    out.println("rejected " + name + ": " + refusal.get().replace(System.lineSeparator(), "; "));
                }
                out.flush();
            }
        }
        return rejected;
    }

    /** Captures one photo; returns the reason when it is refused. */
    private Optional<String> captureOne(HotFolder folder, Path photo, CodeVerifier verifier, PhotoSealer sealer,
            Spool spool, TransferLog log) throws Exception {
        String name = photo.getFileName().toString();
        Optional<ScannedCodes.Scanned> code;
        if (pairWithLastCode) {
            code = scanned.last();
            if (code.isEmpty()) {
                return Optional.of("no code has been scanned yet; scan the graduate's code before the photo");
            }
        } else {
            String stem = name.substring(0, name.lastIndexOf('.')).toUpperCase(Locale.ROOT);
            if (!stem.matches(CODE_ID)) {
                return Optional.of("the file name is not <code id>.jpg; name photos after the code id, or use "
                        + "--pair-with-last-code");
            }
            code = scanned.find(stem);
            if (code.isEmpty()) {
                return Optional.of("no scanned code has id " + stem + "; scan it first ('code verify --remember' or "
                        + "'watch --code-stdin'), then move the photo back");
            }
        }
        VerifiedCode verified;
        try {
            verified = verifier.verify(code.get().text(), Instant.now());
        } catch (CodeException e) {
            return Optional.of("collection code refused: " + e.getMessage());
        }
        PhotoSealer.Outcome outcome = sealer.capture(verified, photo, spool, log);
        if (outcome instanceof PhotoSealer.Refused refused) {
            return Optional.of("photo refused by the specification:" + System.lineSeparator()
                    + CaptureCommand.lines(refused.report()));
        }
        PhotoSealer.Spooled spooled = (PhotoSealer.Spooled) outcome;
        if (deleteOriginal) {
            Files.delete(photo);
            folder.forget(photo);
        } else {
            folder.markDone(photo);
        }
        out.println("spooled " + name + " for code " + verified.codeId() + " (" + verified.maskedName() + "): entry "
                + Spool.shortId(spooled.entry().id()) + ", " + spooled.entry().info().length() + " bytes"
                + (spooled.report().warnings().isEmpty() ? "" : System.lineSeparator()
                        + CaptureCommand.lines(spooled.report())));
        return Optional.empty();
    }

    private void readCodesQuietly() {
        try {
            readCodes();
        } catch (Exception e) {
            spec.commandLine().getErr().println("error: reading scanned codes stopped: " + e.getMessage());
        }
    }

    /** Verifies and remembers each code line from standard input until it ends. */
    private void readCodes() throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(home.environment().stdin(),
                StandardCharsets.UTF_8));
        PrintWriter err = spec.commandLine().getErr();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                VerifiedCode code = new CodeVerifier(new StationTrust(station).bundle(), config.schools())
                        .verify(line.strip(), Instant.now());
                scanned.remember(code, Instant.now());
                out.println("scanned code " + code.codeId() + " (school " + code.schoolCode() + ", "
                        + code.maskedName() + ")");
                out.flush();
            } catch (CodeException e) {
                err.println("error: scanned code refused: " + e.getMessage());
                err.flush();
            }
        }
    }
}
