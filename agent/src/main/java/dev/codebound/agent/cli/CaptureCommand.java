package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.capture.PhotoSealer;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.EnvelopeSigner;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationStanding;
import dev.codebound.agent.watch.PhotoIntake;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.protocol.photo.check.PhotoReport;
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
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capture}: checks a photo, seals it for its collection code and spools the envelope. */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Verify the collection code (offline), check the photo against the specification, and "
                + "if it passes seal it (encrypted to the registry, signed by the station) into the spool for "
                + "the next upload. The spool holds only the envelope; no copy of the photo is kept.",
            "Refuses to seal when the station is revoked, its certificate is not valid now, or the clock is "
                + "further from the registry's than capture.max-clock-skew (as last measured).",
            "Exit codes: 0 spooled, 2 no such photo, 3 station not set up or enrolled, spool in use, "
                + "certificate expired or clock wrong, 4 code refused, 5 photo refused (one line per finding), "
                + "7 the registry revoked this station."})
final class CaptureCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    HomeOption home;

    @ArgGroup(multiplicity = "1")
    CodeSource code;

    @Parameters(paramLabel = "PHOTO.jpg", description = "The photo (JPEG).")
    Path photo;

    @Option(names = "--delete-original", description = "Delete the photo file once its envelope is spooled.")
    boolean deleteOriginal;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Where the code comes from. */
    static final class CodeSource {
        @Option(names = "--code", paramLabel = "TEXT", description = "The code text as scanned.")
        String text;

        @Option(names = "--code-stdin", description = "Read the code from one line of standard input "
                + "(what a keyboard-wedge scanner types).")
        boolean stdin;

        @Option(names = "--qr", paramLabel = "IMAGE", description = "Read the code from a QR image (PNG or JPEG).")
        Path qrImage;

        String read(AgentEnvironment environment) throws IOException, QrCodes.QrReadException {
            if (qrImage != null) {
                return QrCodes.read(Files.readAllBytes(qrImage));
            }
            if (stdin) {
                String line = new BufferedReader(new InputStreamReader(environment.stdin(), StandardCharsets.UTF_8))
                        .readLine();
                return line == null ? "" : line.strip();
            }
            return text;
        }
    }

    @Override
    public Integer call() throws Exception {
        StationContext station = home.context();
        PhotoInspector inspector = new PhotoInspector(station.photoSpec());
        TrustBundle bundle = station.bundle();
        VerifiedCode verified = new CodeVerifier(bundle, station.config().schools()).verify(
                code.read(home.environment()), Instant.now());
        if (!Files.isRegularFile(photo)) {
            throw new AgentFailure(ExitCodes.USAGE, "photo " + photo + " does not exist or is not a file");
        }
        EnvelopeSigner signer = station.envelopeSigner();
        StationCredentials credentials = station.credentials();
        StationStanding.requireFitToSeal(signer.credentials(), bundle, station.home(), station.config());
        PhotoSealer sealer = new PhotoSealer(inspector, signer, bundle, Clock.systemUTC());
        PhotoSealer.Outcome outcome;
        try (Spool spool = home.openSpool();
                TransferLog log = TransferLog.open(station.home(), Clock.systemUTC(), credentials)) {
            outcome = sealer.capture(verified, photo, spool, log);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (outcome instanceof PhotoSealer.Refused refused) {
            if (json) {
                out.println(toJson(verified, refused.report()).put("spooled", false));
                return ExitCodes.PHOTO_REFUSED;
            }
            throw new AgentFailure(ExitCodes.PHOTO_REFUSED, "photo " + photo.getFileName() + " refused by the "
                    + "specification; nothing was sealed:" + System.lineSeparator() + lines(refused.report()));
        }
        PhotoSealer.Spooled spooled = (PhotoSealer.Spooled) outcome;
        if (deleteOriginal) {
            Files.delete(photo);
        }
        if (json) {
            out.println(toJson(verified, spooled.report()).put("spooled", true).put("entry", spooled.entry().id())
                    .put("envelopeBytes", spooled.entry().info().length()).put("photoBytes", spooled.photoBytes())
                    .put("originalDeleted", deleteOriginal));
            return ExitCodes.OK;
        }
        if (!spooled.report().findings().isEmpty()) {
            out.println(lines(spooled.report()));
        }
        out.println("sealed and spooled for upload");
        out.println("  entry:    " + spooled.entry().id());
        out.println("  code id:  " + verified.codeId());
        out.println("  envelope: " + spooled.entry().info().length() + " bytes (photo " + spooled.photoBytes()
                + " bytes" + (deleteOriginal ? ", original deleted" : "") + ")");
        return ExitCodes.OK;
    }

    /** One finding per line, e.g. {@code   ERROR dimensions: photo is 600×800; must be 480×640}. */
    static String lines(PhotoReport report) {
        return PhotoIntake.lines(report);
    }

    private static ArrayNode findingsJson(PhotoReport report) {
        ArrayNode findings = JSON.createArrayNode();
        for (Finding finding : report.findings()) {
            findings.addObject().put("check", finding.check().id()).put("severity", finding.severity().name())
                    .put("message", finding.message());
        }
        return findings;
    }

    private static ObjectNode toJson(VerifiedCode code, PhotoReport report) {
        ObjectNode node = JSON.createObjectNode();
        node.put("codeId", code.codeId());
        node.set("findings", findingsJson(report));
        return node;
    }
}
