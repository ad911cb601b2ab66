package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.registry.RegistryEndpoint;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationStanding;
import dev.codebound.agent.upload.FinishedEntries;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.ReceiptArchive;
import dev.codebound.agent.upload.RetryNotices;
import dev.codebound.agent.upload.StationUpload;
import dev.codebound.agent.upload.TerminalProgressBar;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.UploadSettings;
import dev.codebound.agent.upload.UploadWindow;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code upload}: sends the spooled envelopes to the registry and archives their verified receipts. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Upload every due envelope in the spool to the registry (tus over mutual TLS, resuming "
                + "where an earlier run stopped), verifying each receipt against the trust bundle as it arrives "
                + "and storing it under receipts/. Defaults come from config.properties (upload.*).",
            "Before taking anything from the spool it checks that the registry can be reached (within twice "
                + "registry.connect-timeout). While retrying it says on standard error what failed and when the "
                + "next try is.",
            "Exit codes: 0 everything eligible delivered (or the window is closed), 3 station not set up or "
                + "spool in use, 6 registry unreachable (nothing was taken from the spool), 7 the registry "
                + "refused or revoked this station (the upload stopped at once; the envelopes stay queued), "
                + "8 some entries rejected, failed, corrupt, not started, or with a receipt that does not "
                + "verify."})
final class UploadCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    HomeOption home;

    @Option(names = "--window", paramLabel = "HH:MM-HH:MM",
            description = "Daily hours in which new uploads may start, e.g. 22:00-06:00 (default: setting "
                    + "upload.window; empty means always).")
    String window;

    @Option(names = "--limit-rate", paramLabel = "SIZE",
            description = "Total upload rate per second, e.g. 512KiB; 0 for none (default: setting upload.limit-rate).")
    String limitRate;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Envelopes uploaded at once (default: setting upload.parallelism).")
    Integer parallel;

    @Option(names = "--json", description = "Print the summary as one JSON object (and no progress bar).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StationContext station = home.context();
        HttpUrl registry = RegistryAccess.url(station.config());
        StationCredentials credentials = station.credentials();
        TrustBundle bundle = station.bundle();
        StationStanding.requireNotRevoked(credentials, bundle, "nothing was uploaded, and the envelopes stay "
                + "queued");
        UploadConfig upload;
        try {
            upload = UploadSettings.from(station.config(), registry, new UploadSettings.Overrides(window, limitRate,
                    parallel));
        } catch (UploadSettings.InvalidOverride e) {
            throw new AgentFailure(ExitCodes.USAGE, e.getMessage(), e);
        }
        StationUpload stationUpload = new StationUpload(upload, RegistryEndpoint.uploadClient(station),
                new ReceiptArchive(station.home().receipts(), bundle));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // The spool is opened (its journal replayed) once, and asked what is due before the registry is.
        try (Spool spool = home.openSpool()) {
            if (stationUpload.windowOpen()) {
                checkReachable(stationUpload, spool, registry);
            }
            try (TransferLog log = TransferLog.open(station.home(), Clock.systemUTC(), credentials)) {
                return upload(stationUpload, spool, log, upload, credentials, out, err);
            }
        }
    }

    /** Runs the upload with the spool and the log open, prints its summary and returns the exit code. */
    private Integer upload(StationUpload stationUpload, Spool spool, TransferLog log, UploadConfig upload,
            StationCredentials credentials, PrintWriter out, PrintWriter err) throws Exception {
        FinishedEntries finished = new FinishedEntries(new RetryNotices(err, upload.clock(),
                json || !home.environment().interactive()
                        ? ProgressListener.NONE : TerminalProgressBar.forSystemConsole()));
        StationUpload.Outcome outcome = stationUpload.run(spool, log, finished);
        UploadRun run = outcome.run();
        ReceiptArchive.Result archived = outcome.archived();
        home.sweepRetention(spool, log);
        if (run != null && run.stop() == UploadRun.Stop.UNAUTHORIZED) {
            printResult(out, run, upload.window(), finished, archived, spool);
            throw stationRefused(run.stationRefusal(), credentials, spool);
        }
        boolean complete = run == null || (run.rejected() == 0 && run.failed() == 0 && run.corrupt() == 0
                && run.notStarted() == 0);
        boolean ok = outcome.complete();
        printResult(out, run, upload.window(), finished, archived, spool);
        if (!json && !ok) {
            err.println("error: " + (complete ? "" : "not every envelope was delivered"
                    + (archived.invalid().isEmpty() ? "" : ", and ")) + (archived.invalid().isEmpty() ? ""
                            : archived.invalid().size() + " receipt(s) do not verify") + "; see the summary above");
        }
        return ok ? ExitCodes.OK : ExitCodes.UNDELIVERED;
    }

    private void printResult(PrintWriter out, UploadRun run, UploadWindow window, FinishedEntries finished,
            ReceiptArchive.Result archived, Spool spool) {
        if (json) {
            out.println(toJson(run, window, finished, archived, spool));
        } else {
            printSummary(out, run, window, finished, archived, spool);
        }
        out.flush();
    }

    /**
     * Exit 6 within seconds when the registry cannot be reached, before anything is taken from the
     * spool: only when something is due, since an empty spool needs no registry.
     */
    private static void checkReachable(StationUpload upload, Spool spool, HttpUrl registry)
            throws IOException, AgentFailure {
        List<SpoolEntry> due = upload.due(spool.entries());
        if (due.isEmpty()) {
            return;
        }
        try {
            upload.checkReachable();
        } catch (IOException e) {
            AgentFailure unreachable = RegistryAccess.unreachable(registry, e);
            throw new AgentFailure(ExitCodes.UNREACHABLE, unreachable.getMessage() + ". Nothing was uploaded; the "
                    + due.size() + " due envelope(s) stay in the spool", e);
        }
    }

    /** Exit 7: the registry refused the station itself; what to do depends on why. */
    private static Exception stationRefused(Problem refusal, StationCredentials credentials, Spool spool) {
        String kept = "; the upload stopped at once and the " + spool.status().bytesPending()
                + " bytes pending stay queued, untouched";
        if ("STATION_REVOKED".equals(refusal.reason())) {
            return StationStanding.revoked(credentials, "the registry answered 403 STATION_REVOKED" + kept);
        }
        return new AgentFailure(ExitCodes.REGISTRY_REFUSED, "the registry refused this station (HTTP "
                + refusal.status() + (refusal.reason() == null ? "" : " " + refusal.reason()) + ": "
                + (refusal.detail() != null ? refusal.detail() : refusal.title()) + ")" + kept + ". Check that "
                + "the station's certificate is the one the registry issued ('codebound-agent trust refresh' "
                + "says if it was revoked), or ask the registry why");
    }

    private static void printSummary(PrintWriter out, UploadRun run, UploadWindow window, FinishedEntries finished,
            ReceiptArchive.Result archived, Spool spool) {
        if (run == null) {
            out.println("the upload window " + window + " is closed; nothing was started ("
                    + spool.status().bytesPending() + " bytes pending)");
        } else {
            out.println(run.summary());
            for (FinishedEntries.Finished entry : finished.inState(EntryState.REJECTED)) {
                out.println("  rejected " + Spool.shortId(entry.entryId()) + " " + entry.filename() + ": "
                        + entry.reason());
            }
            for (FinishedEntries.Finished entry : finished.inState(EntryState.FAILED)) {
                out.println("  failed   " + Spool.shortId(entry.entryId()) + " " + entry.filename() + ": "
                        + entry.reason());
            }
            for (FinishedEntries.Finished entry : finished.inState(EntryState.CORRUPT)) {
                out.println("  corrupt  " + Spool.shortId(entry.entryId()) + " " + entry.filename() + ": "
                        + entry.reason());
            }
        }
        out.println(archived.archived().size() + " receipt(s) verified and stored");
        for (ReceiptArchive.Invalid invalid : archived.invalid()) {
            out.println("  receipt of " + Spool.shortId(invalid.entryId()) + " " + invalid.filename() + ": "
                    + invalid.reason());
        }
    }

    private static ObjectNode toJson(UploadRun run, UploadWindow window, FinishedEntries finished,
            ReceiptArchive.Result archived, Spool spool) {
        ObjectNode node = JSON.createObjectNode();
        node.put("windowOpen", run != null).put("window", window.toString());
        node.put("delivered", run == null ? 0 : run.delivered());
        for (EntryState state : List.of(EntryState.REJECTED, EntryState.FAILED, EntryState.CORRUPT)) {
            ArrayNode entries = node.putArray(state.name().toLowerCase(Locale.ROOT));
            for (FinishedEntries.Finished entry : finished.inState(state)) {
                entries.addObject().put("entry", entry.entryId()).put("filename", entry.filename())
                        .put("reason", entry.reason());
            }
        }
        node.put("notStarted", run == null ? 0 : run.notStarted());
        node.put("bytesSent", run == null ? 0 : run.bytesSent());
        node.put("bytesResent", run == null ? 0 : run.bytesResent());
        node.put("bytesPending", spool.status().bytesPending());
        node.put("stop", run == null ? "WINDOW_CLOSED" : run.stop().name());
        ObjectNode receipts = node.putObject("receipts");
        ArrayNode stored = receipts.putArray("stored");
        archived.archived().forEach(stored::add);
        ArrayNode invalid = receipts.putArray("invalid");
        for (ReceiptArchive.Invalid entry : archived.invalid()) {
            invalid.addObject().put("entry", entry.entryId()).put("filename", entry.filename())
                    .put("reason", entry.reason());
        }
        return node;
    }
}
