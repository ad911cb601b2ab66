package dev.codebound.agent.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import dev.codebound.agent.cli.ExitCodes;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.HttpUrl;

/**
 * The whole story on embedded defaults, in one workspace directory: a mock registry (a separate
 * process, mutual TLS), a station enrolled with a one-time token, collection codes issued as QR
 * images, sample photos captured and sealed (one refused by the photo checks), an upload with
 * receipts verified, a registry refusal (a code revoked after capture), and an audit of the
 * station's transfer log against the registry's transparency log. Every station step is
 * the real {@code codebound-agent} command, printed before it runs, so the transcript doubles as a
 * tutorial.
 */
public final class Quickstart {
    /** Marks a directory as a quickstart workspace, the only kind the quickstart will clear. */
    static final String MARKER = ".codebound-quickstart";

    /**
     * The shoot, in the order the codes are scanned: three portraits that meet the photo specification and
     * one at the wrong size (the third). Synthetic portraits, drawn once by the test kit and shipped as
     * resources beside this class, so that the agent carries no photo generator.
     */
    static final List<String> PHOTOS = List.of("shoot-001.jpg", "shoot-002.jpg", "shoot-003.jpg", "shoot-004.jpg");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The quickstart's own registry answers at once; a minute means it is stuck. */
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofMinutes(1);
    /** Synthetic students: the names and ID numbers are made up (the ID numbers carry valid check digits). */
    private static final String STUDENTS_CSV = """
            student_number,name,id_number,school_code,cohort
            2023001001,张三,11010519491231002X,10337,2027
            2023001002,李四,110105200001010016,10337,2027
            2023001003,王五,110105200102020029,10337,2027
            2023001004,赵六,110105200203030015,10337,2027
            """;

    private final Path workspace;
    private final Path serverJar;
    private final PrintWriter out;
    private final boolean interactive;

    public Quickstart(Path workspace, Path serverJar, PrintWriter out, boolean interactive) {
        this.workspace = workspace.toAbsolutePath();
        this.serverJar = serverJar;
        this.out = out;
        this.interactive = interactive;
    }

    /** What the run showed; {@link #asExpected()} when every step behaved as the story says. */
    public record Summary(int codesIssued, int sealed, int refusedAtCapture, int delivered, int refusedByRegistry,
            int receiptsVerified, boolean auditPassed, boolean asExpected) {}

    /** Runs the story and leaves the registry stopped, whatever happens. */
    public Summary run() throws IOException {
        prepareWorkspace();
        Path station = workspace.resolve("station");
        step("1. Start the mock national registry (a separate process, mutual TLS on loopback)");
        try (RegistryProcess registry = RegistryProcess.start(serverJar, workspace.resolve("registry"), out)) {
            RegistryAdminClient admin = new RegistryAdminClient(HttpUrl.get(registry.baseUri().toString()),
                    MutualTls.serverAuthenticated(PemFiles.readCertificates(registry.caCertificate()).get(0))
                            .callTimeout(ADMIN_CALL_TIMEOUT).build(),
                    registry.adminToken());

            step("2. The registry administrator issues a one-time enrollment token for the studio");
            Path tokenFile = workspace.resolve("enrollment-token");
            DurableFiles.writePrivate(tokenFile, admin.enrollmentToken("quickstart studio")
                    .getBytes(StandardCharsets.US_ASCII));
            Path passphraseFile = workspace.resolve("station-passphrase");
            DurableFiles.writePrivate(passphraseFile, randomPassphrase().getBytes(StandardCharsets.US_ASCII));
            out.println("  token in " + tokenFile + ", station key passphrase in " + passphraseFile + " (both 0600)");

            step("3. Set up the capture station and enroll it");
            expect(ExitCodes.OK, agent("init", "--home", station.toString(), "--registry-url",
                    registry.baseUri().toString(), "--registry-ca", registry.caCertificate().toString(),
                    "--schools", "10337", "--passphrase-file", passphraseFile.toString()));
            expect(ExitCodes.OK, agent("enroll", "--home", station.toString(), "--token-file", tokenFile.toString()));

            step("4. The registry issues collection codes; each student gets a QR code on their phone");
            List<RegistryAdminClient.Code> codes = admin.issueCodes(STUDENTS_CSV);
            Path codeDir = Files.createDirectories(workspace.resolve("codes"));
            List<Path> qrImages = new ArrayList<>();
            for (RegistryAdminClient.Code code : codes) {
                Path png = codeDir.resolve(code.codeId() + ".png");
                Files.write(png, admin.qrPng(code.codeId()));
                qrImages.add(png);
                out.println("  " + png + " (" + code.text().length() + " characters)");
            }

            step("5. Photos from the shoot: three good ones, one at the wrong size");
            Path photoDir = Files.createDirectories(workspace.resolve("photos"));
            List<Path> photos = new ArrayList<>();
            for (String name : PHOTOS) {
                photos.add(copyResource(name, photoDir.resolve(name)));
            }

            step("6. Scan each code, check the photo against the spec, seal it for the registry");
            int sealed = 0;
            int refusedAtCapture = 0;
            for (int i = 0; i < photos.size(); i++) {
                int exit = agent("capture", "--home", station.toString(), "--qr", qrImages.get(i).toString(),
                        photos.get(i).toString());
                if (exit == ExitCodes.OK) {
                    sealed++;
                } else if (exit == ExitCodes.PHOTO_REFUSED) {
                    refusedAtCapture++;
                    out.println("  -> refused by the station's photo checks, as expected; nothing was sealed");
                } else {
                    throw new IOException("capture of " + photos.get(i) + " failed with exit code " + exit);
                }
            }

            step("7. Before the overnight upload, the registry withdraws the last student's code");
            admin.revokeCode(codes.get(3).codeId());
            out.println("  code " + codes.get(3).codeId() + " revoked (the student reported a lost phone)");

            step("8. Overnight upload: tus over mutual TLS, resumable, checksummed chunks");
            int uploadExit = agent("upload", "--home", station.toString());
            expect(ExitCodes.OK, agent("status", "--home", station.toString()));

            step("9. Receipts: signed by the registry and included in its transparency log");
            int verified = verifyReceipts(new StationHome(station));

            step("10. The security team audits the station: its hash-chained transfer log, signed checkpoints, "
                    + "receipts, and the registry log's consistency");
            int auditExit = agent("audit", "verify", "--home", station.toString(), "--registry",
                    registry.baseUri().toString());

            Summary summary = summarize(station, codes.size(), sealed, refusedAtCapture, verified, uploadExit,
                    auditExit == ExitCodes.OK);
            step("11. Stop the registry");
            return summary;
        }
    }

    private Summary summarize(Path station, int codes, int sealed, int refusedAtCapture, int verified, int uploadExit,
            boolean audited) throws IOException {
        JsonNode status = statusJson(station);
        int delivered = status.path("delivered").asInt();
        int rejected = status.path("rejected").asInt();
        boolean asExpected = codes == 4 && sealed == 3 && refusedAtCapture == 1 && delivered == 2 && rejected == 1
                && verified == 2 && uploadExit == ExitCodes.UNDELIVERED && audited;
        return new Summary(codes, sealed, refusedAtCapture, delivered, rejected, verified, audited, asExpected);
    }

    private JsonNode statusJson(Path station) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        var commandLine = AgentCommand.commandLine(environment());
        commandLine.setOut(new PrintWriter(text, true));
        commandLine.setErr(new PrintWriter(text, true));
        int exit = commandLine.execute("status", "--home", station.toString(), "--json");
        if (exit != ExitCodes.OK) {
            throw new IOException("status --json failed (" + exit + "): " + text);
        }
        return JSON.readTree(text.toString()).path("counts");
    }

    private int verifyReceipts(StationHome station) throws IOException {
        var bundle = TrustBundleCodec.verify(Files.readAllBytes(station.trustBundle()),
                PemFiles.readCertificates(station.registryCa()).get(0), station.trustBundle().toString());
        int verified = 0;
        try (Stream<Path> files = Files.list(station.receipts())) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Receipt receipt = ReceiptCodec.verify(Files.readAllBytes(file), bundle, file.toString());
                var checkpoint = ReceiptCodec.verifyLogInclusion(receipt, bundle, file.toString());
                out.println("  code " + receipt.codeId() + " photo v" + receipt.photoVersion() + ": envelope "
                        + receipt.envelopeSha256().substring(0, 16) + "... accepted " + receipt.acceptedAt()
                        + ", log entry " + receipt.log().orElseThrow().leafIndex() + " of " + checkpoint.size()
                        + " (signature and inclusion proof verified)");
                verified++;
            }
        }
        return verified;
    }

    /** Runs a real agent command, echoing it first. */
    private int agent(String... args) {
        out.println("$ codebound-agent " + String.join(" ", args).replace(workspace + "/", ""));
        out.flush();
        var commandLine = AgentCommand.commandLine(environment());
        commandLine.setOut(indented());
        commandLine.setErr(indented());
        int exit = commandLine.execute(args);
        out.flush();
        return exit;
    }

    private AgentEnvironment environment() {
        return new AgentEnvironment(Map.of(), InputStream.nullInputStream(), interactive);
    }

    private PrintWriter indented() {
        return new PrintWriter(new java.io.Writer() {
            private boolean lineStart = true;

            @Override
            public void write(char[] buffer, int offset, int length) {
                for (int i = offset; i < offset + length; i++) {
                    if (lineStart) {
                        out.write("  ");
                    }
                    out.write(buffer[i]);
                    lineStart = buffer[i] == '\n';
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        }, true);
    }

    private static void expect(int expected, int actual) throws IOException {
        if (actual != expected) {
            throw new IOException("the step above exited with " + actual + ", expected " + expected);
        }
    }

    private void step(String title) {
        out.println();
        out.println("== " + title);
        out.flush();
    }

    /** Starts from an empty workspace, clearing one only if an earlier quickstart made it. */
    private void prepareWorkspace() throws IOException {
        if (Files.exists(workspace)) {
            if (!Files.exists(workspace.resolve(MARKER))) {
                throw new IOException(workspace + " exists and was not made by the quickstart; choose another --dir");
            }
            try (Stream<Path> paths = Files.walk(workspace)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(workspace);
        Files.writeString(workspace.resolve(MARKER), "made by codebound-agent quickstart\n");
        out.println("Workspace: " + workspace);
    }

    /** Copies one of the quickstart's resources to {@code file}. */
    private static Path copyResource(String name, Path file) throws IOException {
        try (InputStream in = Quickstart.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the agent jar lacks the quickstart photo " + name + "; rebuild it");
            }
            Files.copy(in, file);
        }
        return file;
    }

    private static String randomPassphrase() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
