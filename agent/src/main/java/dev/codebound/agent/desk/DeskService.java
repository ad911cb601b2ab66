package dev.codebound.agent.desk;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.registry.RegistryEndpoint;
import dev.codebound.agent.retention.HotFolders;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.SealedOriginals;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.upload.ReceiptArchive;
import dev.codebound.agent.upload.StationUpload;
import dev.codebound.agent.upload.UploadSettings;
import dev.codebound.agent.watch.HotFolder;
import dev.codebound.agent.watch.PhotoIntake;
import dev.codebound.agent.watch.PhotoPairing;
import dev.codebound.agent.watch.ScannedCodes;
import dev.codebound.agent.watch.ScannerInput;
import dev.codebound.agent.watch.SealedLeftovers;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.EnvelopeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The capture desk: one long-running service for a station's whole day. It holds the spool and the
 * transfer log open, reads scanned codes (from the desk page, standard input or a scanner's device
 * file), watches the camera's hot folder, checks and seals each photo for the code scanned just
 * before it, and uploads on the station's schedule in the background ({@link DeskUploads}).
 *
 * <p>Pairing follows {@code watch --pair-with-last-code} ({@link PhotoPairing}): one scan, one
 * photo; a refused scan, a timeout or a stop closes the pairing, and a photo with no open pairing
 * is sealed for no code and moved to {@code rejected/}. Every scan and every photo is handled on one
 * thread, in order, so the pairing needs no lock; the other threads only queue scans.
 *
 * <p>The last photo's bytes stay in memory for the desk page ({@link DeskState}); they are never
 * written anywhere by the service.
 */
public final class DeskService implements AutoCloseable {
    /**
     * How the desk runs.
     *
     * @param folder          the camera's hot folder
     * @param settle          how long a photo's size must stay unchanged before it is taken
     * @param incompleteAfter how long a photo without the JPEG end marker may stay unchanged before it is rejected
     * @param poll            how often the folder is looked at
     * @param pairingTimeout  how long a scan waits for its photo
     * @param deleteOriginal  whether a sealed photo is deleted at once, whatever {@code retention.originals} says
     */
    public record Settings(Path folder, Duration settle, Duration incompleteAfter, Duration poll,
            Duration pairingTimeout, boolean deleteOriginal) {
        /** Validates. */
        public Settings {
            Objects.requireNonNull(folder, "folder");
            if (settle.isNegative() || poll.toMillis() < 10 || pairingTimeout.toSeconds() < 1
                    || incompleteAfter.compareTo(settle) < 0) {
                throw new IllegalArgumentException("the settle time must be ≥ 0, the poll interval ≥ 10 milliseconds, "
                        + "the pairing timeout ≥ 1 second and the incomplete-after time at least the settle time");
            }
        }
    }

    /** Builds the upload for one scheduled run: the trust bundle (and, in tests, the settings) may change. */
    @FunctionalInterface
    public interface UploadFactory {
        /** The upload to run now. */
        StationUpload create() throws StationException;
    }

    /**
     * Uploads as the station's {@code upload.*} settings say, with {@code overrides} read at each run,
     * over the station's mutual-TLS registry client.
     */
    public static UploadFactory configuredUploads(StationContext station,
            Supplier<UploadSettings.Overrides> overrides) {
        return () -> {
            try {
                return new StationUpload(UploadSettings.from(station.config(), RegistryEndpoint.url(station.config()),
                        overrides.get()), RegistryEndpoint.uploadClient(station),
                        new ReceiptArchive(station.home().receipts(), station.bundle()));
            } catch (UploadSettings.InvalidOverride e) {
                throw new StationException(e.getMessage(), e);
            }
        };
    }

    private final StationContext station;
    private final Settings settings;
    private final PhotoIntake intake;
    private final HotFolder folder;
    private final SealedOriginals originals;
    private final PhotoPairing pairing;
    private final Spool spool;
    private final TransferLog log;
    private final DeskState state;
    private final DeskUploads uploads;
    private final BlockingQueue<String> scans = new LinkedBlockingQueue<>();
    private final List<Thread> scannerThreads = new ArrayList<>();
    private final Thread intakeThread;
    private volatile boolean stopping;

    private DeskService(StationContext station, Settings settings, Spool spool, TransferLog log,
            UploadFactory upload, Duration uploadInterval) throws StationException {
        this.station = station;
        this.settings = settings;
        this.intake = new PhotoIntake(station);
        this.folder = new HotFolder(settings.folder(), settings.settle(), settings.incompleteAfter(), System::nanoTime);
        this.originals = new SealedOriginals(folder, RetentionPolicy.from(station.config()), settings.deleteOriginal());
        this.pairing = new PhotoPairing(settings.pairingTimeout(), System::nanoTime);
        this.spool = spool;
        this.log = log;
        this.state = new DeskState(station, spool);
        this.uploads = new DeskUploads(station, spool, log, upload, uploadInterval, state);
        this.intakeThread = new Thread(this::runIntake, "codebound-desk-intake");
    }

    /**
     * Starts the desk: the intake and upload threads. The station must be fit to seal; the spool and
     * the log are held until {@link #close()}.
     *
     * @param upload         builds the upload for one run (the trust bundle may change during the day)
     * @param uploadInterval how often the upload scheduler looks at the window and the spool
     * @throws StationException when the station cannot seal (not enrolled, revoked, certificate or clock)
     * @throws IOException      when the hot folder cannot be registered for retention
     */
    public static DeskService start(StationContext station, Settings settings, Spool spool, TransferLog log,
            UploadFactory upload, Duration uploadInterval) throws StationException, IOException {
        if (!Files.isDirectory(settings.folder())) {
            throw new StationException("the hot folder " + settings.folder() + " is not a directory");
        }
        station.requireFitToSeal();
        // Registered so that a retention sweep finds this folder's done/ originals, whoever runs it.
        new HotFolders(station.home()).register(settings.folder());
        DeskService desk = new DeskService(station, settings, spool, log, upload, uploadInterval);
        desk.recoverSealedLeftovers();
        desk.intakeThread.start();
        desk.uploads.start();
        desk.state.note("desk started: watching " + settings.folder().toAbsolutePath()
                + "; each scan pairs the next photo only, for at most " + settings.pairingTimeout().toSeconds() + " s");
        return desk;
    }

    /** Settles the photos a crash left in the folder after sealing them: none is sealed twice. */
    private void recoverSealedLeftovers() throws IOException, StationException {
        for (SealedLeftovers.Leftover leftover : intake.sealedLeftovers(folder.photos())) {
            originals.recovered(leftover.photo(), leftover.entryId());
            state.note("already sealed " + leftover.photo().getFileName() + " for code " + leftover.codeId()
                    + " before the desk stopped: moved to done/, not sealed again");
        }
    }

    /** What the desk page shows. */
    public DeskState state() {
        return state;
    }

    /** The station this desk serves. */
    public StationContext station() {
        return station;
    }

    /** Queues one scanned code (the page's field, standard input or a device); handled in order. */
    public void scan(String text) {
        String stripped = text.strip();
        if (!stripped.isEmpty()) {
            scans.add(stripped);
        }
    }

    /**
     * Reads scanned codes from {@code in}, one per line, until it ends (standard input, or a serial or
     * HID scanner's device file opened by the caller). {@code source} names it in the desk's notes.
     */
    public void readScanner(InputStream in, String source) {
        ScannerInput input = ScannerInput.start(in);
        Thread forward = new Thread(() -> {
            try {
                for (ScannerInput.Item item = input.take(); !stopping; item = input.take()) {
                    if (item instanceof ScannerInput.Line line) {
                        scan(line.text());
                    } else {
                        Optional<String> problem = ((ScannerInput.Ended) item).problem();
                        state.note("the scanner input " + source + " ended" + problem.map(p -> ": " + p).orElse("")
                                + "; the desk page's field still takes scans");
                        return;
                    }
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }, "codebound-desk-scanner");
        forward.setDaemon(true);
        scannerThreads.add(forward);
        forward.start();
    }

    /**
     * Withdraws a queued entry: its envelope is deleted and never uploaded, and the transfer log
     * records it.
     *
     * @throws IllegalArgumentException when no entry has that id
     * @throws IllegalStateException    when the entry cannot be withdrawn (it has an upload at the registry)
     */
    public SpoolEntry withdraw(String entryId) throws IOException {
        SpoolEntry withdrawn = spool.withdraw(spool.findByPrefix(entryId).id());
        log.entryWithdrawn(withdrawn.id());
        state.note("withdrew entry " + Spool.shortId(withdrawn.id()) + " (code " + withdrawn.info().codeId() + ")");
        return withdrawn;
    }

    private void runIntake() {
        try {
            while (!stopping) {
                String text = scans.poll(settings.poll().toNanos(), TimeUnit.NANOSECONDS);
                for (; text != null && !stopping; text = scans.poll()) {
                    handleScan(text);
                }
                record(pairing.expireIfIdle());
                HotFolder.Look look = folder.look();
                handleArrivals(look);
                process(look.ready());
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            state.fail("the desk stopped taking photos: " + e.getMessage() + "; restart it ('serve')");
        } finally {
            try {
                record(pairing.stopped());
            } catch (IOException e) {
                state.fail("the pairing's close could not be written to the transfer log: " + e.getMessage());
            }
        }
    }

    private void handleScan(String text) throws IOException {
        try {
            VerifiedCode code = intake.verify(text);
            state.scanned(code.codeId());
            record(pairing.scanned(new ScannedCodes.Scanned(code.codeId(), code.text(), code.verifiedAt()),
                    folder.identities()));
        } catch (CodeException e) {
            state.scanRefused("scanned code refused: " + e.getMessage());
            record(pairing.scanRefused());
        } catch (StationException e) {
            state.scanRefused("cannot verify the scan: " + e.getMessage());
            record(pairing.scanRefused());
        }
    }

    private void handleArrivals(HotFolder.Look look) throws IOException {
        look.departed().forEach(pairing::forget);
        for (Path photo : look.arrived()) {
            Object identity;
            try {
                identity = folder.identity(photo);
            } catch (NoSuchFileException gone) {
                continue;
            }
            record(List.of(pairing.arrived(photo, identity)));
        }
        for (Path photo : look.abandoned()) {
            String reason = "the camera never finished writing this photo: it has no JPEG end marker (FF D9) and "
                    + "has not changed for " + settings.incompleteAfter().toSeconds() + " s; take the photo again "
                    + "after scanning the graduate's code again";
            folder.markRejected(photo, reason);
            pairing.forget(photo);
            state.photoRejected(photo.getFileName().toString(), reason);
        }
    }

    private void process(List<Path> ready) throws IOException {
        if (ready.isEmpty()) {
            return;
        }
        PhotoIntake.Batch batch;
        try {
            // A revocation fetched by 'trust refresh', an expired certificate or a drifted clock stops sealing;
            // the photos wait in the folder and the page says why.
            station.requireFitToSeal();
            batch = intake.batch();
        } catch (StationException e) {
            state.fail("not sealing: " + e.getMessage());
            return;
        }
        for (Path photo : ready) {
            if (stopping) {
                return;
            }
            try {
                captureOne(photo, batch);
            } catch (NoSuchFileException gone) {
                pairing.forget(photo);
            } catch (IOException e) {
                // A photo the camera deleted or locked meanwhile must not stop the desk; it is tried again.
                state.note("error: " + photo.getFileName() + ": " + e.getMessage());
            } catch (EnvelopeException e) {
                state.fail("cannot seal " + photo.getFileName() + ": " + e.getMessage());
            }
        }
    }

    private void captureOne(Path photo, PhotoIntake.Batch batch) throws IOException,
            EnvelopeException {
        String name = photo.getFileName().toString();
        Optional<ScannedCodes.Scanned> code = pairing.codeFor(photo);
        if (code.isEmpty()) {
            String reason = "paired with no code: " + PhotoPairing.explain(pairing.whyUnpaired(photo)) + ". It was "
                    + "sealed for no code. Scan the graduate's code, then take the photo again";
            folder.markRejected(photo, reason);
            pairing.forget(photo);
            state.photoRejected(name, reason);
            return;
        }
        byte[] bytes = intake.read(photo);
        PhotoIntake.Outcome outcome = batch.capture(photo, bytes, code.get(), spool, log,
                "scan the code again before the retake");
        if (outcome instanceof PhotoIntake.Refused refused) {
            folder.markRejected(photo, refused.reason());
            state.photoChecked(name, code.get().codeId(), bytes, refused.report(), null, refused.reason());
        } else {
            PhotoIntake.Spooled spooled = (PhotoIntake.Spooled) outcome;
            originals.settle(photo, spooled.spooled().entry().id(), log);
            state.photoChecked(name, spooled.code().codeId(), bytes, spooled.spooled().report(),
                    spooled.spooled().entry().id(), null);
        }
        pairing.forget(photo);
    }

    /** Shows pairing decisions on the page and writes them to the transfer log at once. */
    private void record(List<PhotoPairing.Event> events) throws IOException {
        for (PhotoPairing.Event event : events) {
            if (event instanceof PhotoPairing.Opened opened) {
                log.pairingOpened(opened.code().codeId());
                state.pairingOpened(opened.code().codeId());
            } else if (event instanceof PhotoPairing.Paired paired) {
                log.pairingClosed(paired.code().codeId(), PhotoPairing.CloseReason.PHOTO_PAIRED.name());
                state.pairingClosed(paired.code().codeId(), "paired with " + paired.photo().getFileName());
            } else if (event instanceof PhotoPairing.Closed closed) {
                log.pairingClosed(closed.codeId(), closed.reason().name());
                state.pairingClosed(closed.codeId(), "closed without a photo: "
                        + PhotoPairing.explain(closed.reason(), settings.pairingTimeout()));
            } else if (event instanceof PhotoPairing.Unpaired unpaired) {
                log.photoUnpaired(unpaired.reason().name());
            }
        }
    }

    /**
     * Stops the desk: no new scan or photo is taken, the photo being sealed is finished, the open
     * pairing is closed and recorded; an upload in flight gets {@code grace} to finish and is
     * otherwise abandoned where it stands (it resumes at the next start, as after a crash).
     *
     * @return whether everything stopped within the grace period (then the spool and log may be closed)
     */
    public boolean stop(Duration grace) throws InterruptedException {
        stopping = true;
        scannerThreads.forEach(Thread::interrupt);
        intakeThread.join();
        boolean uploadStopped = uploads.stop(grace);
        state.note("desk stopped" + (uploadStopped ? "" : "; the upload in flight was abandoned and resumes at the "
                + "next start"));
        return uploadStopped;
    }

    /** Stops the desk with a grace of ten seconds for the upload in flight. */
    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }
}
