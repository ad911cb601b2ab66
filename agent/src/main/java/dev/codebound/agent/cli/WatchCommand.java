package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.retention.HotFolders;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.SealedOriginals;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.watch.HotFolder;
import dev.codebound.agent.watch.PhotoIntake;
import dev.codebound.agent.watch.PhotoPairing;
import dev.codebound.agent.watch.ScannedCodes;
import dev.codebound.agent.watch.ScannerInput;
import dev.codebound.agent.watch.SealedLeftovers;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.VerifiedCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
                + "--code-stdin. With --pair-with-last-code (and --code-stdin) each scan pairs the NEXT photo "
                + "only with its code; a refused scan, the end of the scanner input or the pairing timeout "
                + "closes the pairing, and a photo that arrives with no open pairing is sealed for no code. "
                + "A photo counts as finished when its size has not changed for the settle time and it ends "
                + "with the JPEG end marker; hidden, .tmp and .part files are ignored. Sealed photos move to "
                + "DIR/done/<entry id>.jpg, refused ones to DIR/rejected/ with a .reason.txt; both are deleted "
                + "when the station's retention policy says (docs/privacy.md).",
            "Exit codes (with --once): 0 every finished photo spooled, 2 DIR is not a directory or options that "
                + "do not go together, 3 station not set up or spool in use, 5 some photo rejected."})
final class WatchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    HomeOption home;

    @Parameters(paramLabel = "DIR", description = "The folder the camera writes into.")
    Path directory;

    @Option(names = "--once", description = "Process the finished photos there now, then exit.")
    boolean once;

    @Option(names = "--pair-with-last-code",
            description = "Pair the next photo that arrives after each scan (--code-stdin) with that code, "
                    + "whatever its name: one scan, one photo. Not with --once.")
    boolean pairWithLastCode;

    @Option(names = "--code-stdin", description = "Read scanned codes from standard input, one per line (a "
            + "keyboard-wedge scanner), and remember them for the photos named after them that follow (with "
            + "--pair-with-last-code: open a pairing; nothing is remembered).")
    boolean codeStdin;

    @Option(names = "--pairing-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "With --pair-with-last-code: how long a scan waits for its photo before the pairing "
                    + "closes (default: ${DEFAULT-VALUE}).")
    long pairingTimeoutSeconds;

    @Option(names = "--settle", paramLabel = "MILLIS", defaultValue = "1000",
            description = "How long a photo's size must stay unchanged before it is taken (default: ${DEFAULT-VALUE}).")
    long settleMillis;

    @Option(names = "--incomplete-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a photo without the JPEG end marker may stay unchanged before it is moved to "
                    + "rejected/ as never finished (default: ${DEFAULT-VALUE}; at least the settle time).")
    long incompleteAfterSeconds;

    @Option(names = "--poll", paramLabel = "MILLIS", defaultValue = "500",
            description = "How often the folder is looked at (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--delete-original", description = "Delete each photo once sealed, instead of moving it to done/.")
    boolean deleteOriginal;

    @Option(names = "--json", description = "Print one JSON object per event (JSON Lines) on standard output; the "
            + "human-readable lines go to standard error.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The human-readable lines: standard output, or standard error with --json. */
    private PrintWriter out;
    private PrintWriter err;
    /** The JSON Lines events; only with --json. */
    private PrintWriter events;
    private StationContext station;
    private PhotoIntake intake;
    private ScannedCodes scanned;
    private HotFolder folder;
    private SealedOriginals originals;
    /** Only with --pair-with-last-code. */
    private PhotoPairing pairing;
    /** Pairing decisions printed but not yet in the transfer log (written with the next batch). */
    private final List<PhotoPairing.Event> unlogged = new ArrayList<>();
    /** Scans verified but not yet in the scanned codes' journal: appended together, once per batch of scans. */
    private final List<VerifiedCode> unremembered = new ArrayList<>();
    private boolean reportedBusy;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(directory)) {
            throw new AgentFailure(ExitCodes.USAGE, directory + " is not a directory");
        }
        if (settleMillis < 0 || pollMillis < 10 || pairingTimeoutSeconds < 1
                || incompleteAfterSeconds * 1000 < settleMillis) {
            throw new AgentFailure(ExitCodes.USAGE, "--settle must be ≥ 0, --poll ≥ 10 milliseconds, "
                    + "--pairing-timeout ≥ 1 second and --incomplete-after at least the settle time");
        }
        if (pairWithLastCode && (once || !codeStdin)) {
            throw new AgentFailure(ExitCodes.USAGE, "--pair-with-last-code pairs each photo with the scan just "
                    + "before it, so it needs --code-stdin (the scanner) and a running watch, not --once; to "
                    + "capture one photo for one code use 'capture --code-stdin PHOTO.jpg'");
        }
        err = spec.commandLine().getErr();
        // With --json standard output carries the events only, so that a script reads nothing but JSON Lines.
        out = json ? err : spec.commandLine().getOut();
        events = json ? spec.commandLine().getOut() : null;
        station = home.context();
        intake = new PhotoIntake(station);
        station.credentials();
        scanned = new ScannedCodes(station.home().scannedCodes());
        // Fail now, not at the first photo, if the station is not enrolled; each batch reloads the bundle so
        // that a 'trust refresh' during the day takes effect without restarting the watch.
        station.requireFitToSeal();
        folder = new HotFolder(directory, Duration.ofMillis(settleMillis), Duration.ofSeconds(incompleteAfterSeconds),
                System::nanoTime);
        originals = new SealedOriginals(folder, RetentionPolicy.from(station.config()), deleteOriginal);
        new HotFolders(station.home()).register(directory);
        recoverSealedLeftovers();
        if (once) {
            if (codeStdin) {
                ScannerInput scanner = ScannerInput.start(home.environment().stdin());
                ScannerInput.Item item = scanner.take();
                for (; item instanceof ScannerInput.Line line; item = scanner.take()) {
                    verifyScan(line.text());
                }
                rememberScans();
                Optional<String> problem = ((ScannerInput.Ended) item).problem();
                if (problem.isPresent()) {
                    throw new AgentFailure(ExitCodes.INTERNAL, "reading scanned codes failed: " + problem.get());
                }
            }
            folder.look();
            Thread.sleep(settleMillis);
            HotFolder.Look look = folder.look();
            reportUnfinished(look.unfinished());
            return process(look.ready()) == 0 ? ExitCodes.OK : ExitCodes.PHOTO_REFUSED;
        }
        if (pairWithLastCode) {
            pairing = new PhotoPairing(Duration.ofSeconds(pairingTimeoutSeconds), System::nanoTime);
        }
        ScannerInput scanner = codeStdin ? ScannerInput.start(home.environment().stdin()) : null;
        out.println("watching " + directory.toAbsolutePath() + " (Ctrl-C to stop)" + (pairing == null ? ""
                : "; each scan pairs the next photo only, for at most " + pairingTimeoutSeconds + " s"));
        out.flush();
        emit(event("watching").put("directory", directory.toAbsolutePath().toString())
                .put("pairWithLastCode", pairing != null));
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (scanner == null) {
                    Thread.sleep(pollMillis);
                } else if (handleScans(scanner)) {
                    scanner = null;
                }
                if (pairing != null) {
                    note(pairing.expireIfIdle());
                } else {
                    // A watch may run for days: codes must leave the file after three days even if nothing is scanned.
                    scanned.dropExpired(Instant.now());
                }
                HotFolder.Look look = folder.look();
                handleArrivals(look);
                process(look.ready());
            }
        } catch (InterruptedException stopped) {
            // Stopping the watch: the pairing closes below.
        } finally {
            stop();
        }
        return ExitCodes.OK;
    }

    /** Settles the photos a crash left in the folder after sealing them: none is sealed twice. */
    private void recoverSealedLeftovers() throws IOException, StationException {
        for (SealedLeftovers.Leftover leftover : intake.sealedLeftovers(folder.photos())) {
            originals.recovered(leftover.photo(), leftover.entryId());
            String name = leftover.photo().getFileName().toString();
            out.println("already sealed " + name + " for code " + leftover.codeId() + " as entry " + leftover.entryId()
                    + " before the agent stopped: moved to done/, not sealed again");
            emit(event("alreadySealed").put("photo", name).put("codeId", leftover.codeId())
                    .put("entry", leftover.entryId()));
        }
        out.flush();
    }

    /**
     * Waits up to the poll interval for a scan, then handles every scan waiting, in order; returns
     * whether the scanner input has ended.
     */
    private boolean handleScans(ScannerInput scanner) throws Exception {
        try {
            return readScans(scanner);
        } finally {
            rememberScans();
        }
    }

    /**
     * Appends the scans verified since the last write to the scanned codes, with one sync, then
     * announces them: "scanned code" tells the photographer the code is remembered for its photo.
     */
    private void rememberScans() throws IOException {
        scanned.remember(unremembered, Instant.now());
        unremembered.forEach(this::announceScan);
        unremembered.clear();
    }

    private void announceScan(VerifiedCode code) {
        out.println("scanned code " + code.codeId() + " (school " + code.schoolCode() + ", " + code.maskedName() + ")");
        out.flush();
        emit(event("scanned").put("codeId", code.codeId()));
    }

    private boolean readScans(ScannerInput scanner) throws Exception {
        for (Optional<ScannerInput.Item> item = scanner.next(Duration.ofMillis(pollMillis)); item.isPresent();
                item = scanner.next()) {
            if (item.get() instanceof ScannerInput.Ended ended) {
                ended.problem().ifPresent(problem -> err.println("error: reading scanned codes stopped: " + problem));
                emit(event("scannerEnded").put("problem", ended.problem().orElse(null)));
                err.println("the scanner input ended: no code can be scanned until watch is restarted"
                        + (pairing == null ? "" : ", so no photo arriving from now on is paired with a code"));
                err.flush();
                if (pairing != null) {
                    note(pairing.scannerEnded());
                }
                return true;
            }
            Optional<VerifiedCode> code = verifyScan(((ScannerInput.Line) item.get()).text());
            if (pairing != null) {
                note(code.isPresent()
                        ? pairing.scanned(new ScannedCodes.Scanned(code.get().codeId(), code.get().text(),
                                code.get().verifiedAt()), folder.identities())
                        : pairing.scanRefused());
            }
        }
        return false;
    }

    /** Verifies and remembers one scanned code, saying what became of it; empty when it was refused. */
    private Optional<VerifiedCode> verifyScan(String text) throws Exception {
        try {
            VerifiedCode code = intake.verify(text);
            if (pairing == null) {
                // Kept for photos named after their code, and announced once on disk (rememberScans). A pairing
                // needs no copy of the code text on disk: it lives in memory only, and the code text is a
                // credential best not written where it is not needed.
                unremembered.add(code);
            } else {
                announceScan(code);
            }
            return Optional.of(code);
        } catch (CodeException e) {
            err.println("error: scanned code refused: " + e.getMessage());
            err.flush();
            emit(event("scanRefused").put("reason", e.reason().name()).put("message", e.getMessage()));
            return Optional.empty();
        }
    }

    /** Decides the pairing of each photo first seen, reports unfinished photos, rejects abandoned ones. */
    private void handleArrivals(HotFolder.Look look) throws IOException {
        if (pairing != null) {
            look.departed().forEach(pairing::forget);
            for (Path photo : look.arrived()) {
                Object identity;
                try {
                    identity = folder.identity(photo);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                note(List.of(pairing.arrived(photo, identity)));
            }
        }
        reportUnfinished(look.unfinished());
        for (Path photo : look.abandoned()) {
            String reason = "the camera never finished writing this photo: it has no JPEG end marker (FF D9) and "
                    + "has not changed for " + incompleteAfterSeconds + " s; take the photo again"
                    + (pairing == null ? "" : " after scanning the graduate's code again");
            folder.markRejected(photo, reason);
            if (pairing != null) {
                pairing.forget(photo);
            }
            out.println("rejected " + photo.getFileName() + ": " + reason);
            out.flush();
            emit(event("rejected").put("photo", photo.getFileName().toString()).put("reason", reason));
        }
    }

    private void reportUnfinished(List<Path> photos) {
        for (Path photo : photos) {
            err.println(photo.getFileName() + " has stopped changing but has no JPEG end marker (FF D9): waiting up "
                    + "to " + incompleteAfterSeconds + " s for the camera to finish it, then it goes to rejected/");
            emit(event("unfinished").put("photo", photo.getFileName().toString()));
        }
        err.flush();
    }

    /** Prints pairing decisions at once and keeps them for the transfer log. */
    private void note(List<PhotoPairing.Event> events) {
        for (PhotoPairing.Event event : events) {
            if (event instanceof PhotoPairing.Opened opened) {
                out.println("pairing open: the next photo is sealed for code " + opened.code().codeId()
                        + " (one photo only; scan again for a retake)");
                emit(event("pairingOpened").put("codeId", opened.code().codeId()));
            } else if (event instanceof PhotoPairing.Paired paired) {
                out.println("paired " + paired.photo().getFileName() + " with code " + paired.code().codeId()
                        + "; the next photo needs a new scan");
                emit(event("pairingClosed").put("codeId", paired.code().codeId())
                        .put("reason", PhotoPairing.CloseReason.PHOTO_PAIRED.name())
                        .put("photo", paired.photo().getFileName().toString()));
            } else if (event instanceof PhotoPairing.Closed closed) {
                err.println("pairing with code " + closed.codeId() + " closed without a photo: "
                        + why(closed.reason()));
                emit(event("pairingClosed").put("codeId", closed.codeId()).put("reason", closed.reason().name()));
            } else if (event instanceof PhotoPairing.Unpaired unpaired) {
                err.println(unpaired.photo().getFileName() + " is paired with no code: " + why(unpaired.reason())
                        + "; it is sealed for no code and goes to rejected/ (scan the graduate's code, then take "
                        + "the photo again)");
                emit(event("unpaired").put("photo", unpaired.photo().getFileName().toString())
                        .put("reason", unpaired.reason().name()));
            }
            unlogged.add(event);
        }
        out.flush();
        err.flush();
    }

    private String why(PhotoPairing.CloseReason reason) {
        return PhotoPairing.explain(reason, Duration.ofSeconds(pairingTimeoutSeconds));
    }

    private static String why(PhotoPairing.UnpairedReason reason) {
        return PhotoPairing.explain(reason);
    }

    /** Closes the open pairing and writes what is still unlogged, when the watch stops. */
    private void stop() {
        if (pairing == null) {
            return;
        }
        // An interrupt would close the transfer log's file channels mid-write; the last records still go in.
        boolean interrupted = Thread.interrupted();
        note(pairing.stopped());
        String problem;
        try {
            process(List.of());
            problem = "the spool and the transfer log are in use by another agent process";
        } catch (Exception e) {
            problem = e.getMessage();
        }
        if (!unlogged.isEmpty()) {
            err.println("error: the last " + unlogged.size() + " pairing decision(s) printed above could not be "
                    + "written to the transfer log: " + problem);
            err.flush();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the unlogged pairing decisions, then captures each ready photo; returns how many were rejected. */
    private int process(List<Path> ready) throws Exception {
        if (ready.isEmpty() && unlogged.isEmpty()) {
            return 0;
        }
        if (!ready.isEmpty()) {
            // A watch runs all day: a revocation fetched by 'trust refresh', an expired certificate or a clock
            // that drifted stops it before the next photo is sealed, and the photos wait in the folder.
            station.requireFitToSeal();
        }
        PhotoIntake.Batch batch = intake.batch();
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
                emit(event("waiting").put("reason", busy.getMessage()));
                reportedBusy = true;
            }
            return 0;
        }
        reportedBusy = false;
        int rejected = 0;
        try (spool; TransferLog log = TransferLog.open(station.home(), Clock.systemUTC(), station.credentials())) {
            logPairingDecisions(log);
            for (Path photo : ready) {
                String name = photo.getFileName().toString();
                Optional<String> refusal;
                try {
                    refusal = captureOne(photo, batch, spool, log);
                } catch (IOException e) {
                    if (once) {
                        throw e;
                    }
                    // A photo the camera deleted or locked meanwhile must not stop the watch; it is tried again.
                    err.println("error: " + name + ": " + e.getMessage());
                    err.flush();
                    emit(event("error").put("photo", name).put("message", e.getMessage()));
                    continue;
                }
                if (refusal.isPresent()) {
                    rejected++;
                    folder.markRejected(photo, refusal.get());
                    out.println("rejected " + name + ": " + refusal.get().replace(System.lineSeparator(), "; "));
                    emit(event("rejected").put("photo", name).put("reason",
                            refusal.get().replace(System.lineSeparator(), "; ")));
                }
                if (pairing != null) {
                    pairing.forget(photo);
                }
                out.flush();
            }
        }
        return rejected;
    }

    /**
     * Writes the pairing decisions made since the last batch, in order. They wait in memory while
     * another process holds the spool and the log (an upload); the watch prints each one at once.
     */
    private void logPairingDecisions(TransferLog log) throws IOException {
        while (!unlogged.isEmpty()) {
            PhotoPairing.Event event = unlogged.get(0);
            if (event instanceof PhotoPairing.Opened opened) {
                log.pairingOpened(opened.code().codeId());
            } else if (event instanceof PhotoPairing.Paired paired) {
                log.pairingClosed(paired.code().codeId(), PhotoPairing.CloseReason.PHOTO_PAIRED.name());
            } else if (event instanceof PhotoPairing.Closed closed) {
                log.pairingClosed(closed.codeId(), closed.reason().name());
            } else if (event instanceof PhotoPairing.Unpaired unpaired) {
                log.photoUnpaired(unpaired.reason().name());
            }
            unlogged.remove(0);
        }
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("event", type);
    }

    /** Prints one JSON Lines event with --json; the human-readable line was printed already. */
    private void emit(ObjectNode event) {
        if (events != null) {
            events.println(event);
            events.flush();
        }
    }

    /** Captures one photo; returns the reason when it is refused. */
    private Optional<String> captureOne(Path photo, PhotoIntake.Batch batch, Spool spool, TransferLog log)
            throws Exception {
        String name = photo.getFileName().toString();
        Optional<ScannedCodes.Scanned> code;
        if (pairing != null) {
            code = pairing.codeFor(photo);
            if (code.isEmpty()) {
                return Optional.of("paired with no code: " + why(pairing.whyUnpaired(photo)) + ". It was sealed for "
                        + "no code. Scan the graduate's code, then take the photo again (or capture this file with "
                        + "'capture --code-stdin' after scanning the right code)");
            }
        } else {
            PhotoIntake.Lookup lookup = PhotoIntake.byName(photo, scanned);
            if (lookup.code().isEmpty()) {
                return Optional.of(lookup.problem());
            }
            code = lookup.code();
        }
        PhotoIntake.Outcome outcome = batch.capture(photo, intake.read(photo), code.get(), spool, log,
                pairing == null ? null : "scan the code again before the retake");
        if (outcome instanceof PhotoIntake.Refused refused) {
            return Optional.of(refused.reason());
        }
        PhotoIntake.Spooled spooled = (PhotoIntake.Spooled) outcome;
        VerifiedCode verified = spooled.code();
        originals.settle(photo, spooled.spooled().entry().id(), log);
        out.println("spooled " + name + " for code " + verified.codeId() + " (" + verified.maskedName() + "): entry "
                + Spool.shortId(spooled.spooled().entry().id()) + ", " + spooled.spooled().entry().info().length()
                + " bytes" + (spooled.spooled().report().warnings().isEmpty() ? "" : System.lineSeparator()
                        + PhotoIntake.lines(spooled.spooled().report())));
        emit(event("spooled").put("photo", name).put("codeId", verified.codeId())
                .put("entry", spooled.spooled().entry().id())
                .put("envelopeBytes", spooled.spooled().entry().info().length()).put("warnings",
                        spooled.spooled().report().warnings().size()));
        return Optional.empty();
    }
}
