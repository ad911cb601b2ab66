package dev.codebound.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Codebound as a studio runs it: the mock registry from its jar (a separate process, mutual TLS), one
 * station set up and enrolled once with {@code codebound-agent init} and {@code enroll}, and per round the
 * registry issuing one code per photo, {@code watch --once --code-stdin} capturing the whole folder in one
 * JVM, then {@code upload --parallel P} in another. Every agent command is a process of its own, started
 * by an {@link AgentLauncher}: {@code java -jar}, or an installation's launcher.
 */
final class CodeboundStation implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SideBySideOptions options;
    private final Rusage rusage;
    private final Path logs;
    private final Path home;
    private final RegistryServer registry;
    private final RegistryAdmin admin;
    private final AgentLauncher javaJar;
    private int nextStudent = 1;

    private CodeboundStation(SideBySideOptions options, Rusage rusage, Path logs, Path home, RegistryServer registry)
            throws IOException {
        this.options = options;
        this.rusage = rusage;
        this.logs = logs;
        this.home = home;
        this.registry = registry;
        this.admin = new RegistryAdmin(registry);
        this.javaJar = AgentLauncher.javaJar(options.agentJar());
    }

    /** Starts the registry and sets up and enrolls the station under {@code work}. */
    static CodeboundStation start(SideBySideOptions options, Rusage rusage, Path work, Path logs)
            throws IOException, InterruptedException {
        RegistryServer registry = RegistryServer.start(options.serverJar(), work.resolve("registry"),
                logs.resolve("registry.log"));
        try {
            CodeboundStation station = new CodeboundStation(options, rusage, logs, work.resolve("station"), registry);
            station.enroll(work);
            return station;
        } catch (IOException | InterruptedException | RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    private void enroll(Path work) throws IOException, InterruptedException {
        Path passphrase = privateFile(work.resolve("station-passphrase"), randomSecret());
        Path token = privateFile(work.resolve("enrollment-token"), admin.enrollmentToken("side-by-side bench"));
        agent(List.of("init", "--home", home.toString(), "--registry-url", registry.baseUri().toString(),
                "--registry-ca", registry.caCertificate().toString(), "--schools",
                Integer.toString(RegistryAdmin.SCHOOL), "--passphrase-file", passphrase.toString()), javaJar, null,
                logs.resolve("init.out"), null);
        agent(List.of("enroll", "--home", home.toString(), "--token-file", token.toString()), javaJar, null,
                logs.resolve("enroll.out"), null);
    }

    /**
     * Captures every photo of {@code photos}: the registry issues one code per photo, a copy of the folder is
     * named after the codes, and {@code watch --once --code-stdin} reads the codes and seals the folder.
     */
    Measurement capture(int round, Path photos) throws IOException, InterruptedException {
        return capture(Subject.CAPTURE, "capture-r" + round, javaJar, round, photos);
    }

    /** {@link #capture} with the agent started by {@code launcher}, measured as {@code subject}. */
    Measurement capture(Subject subject, String name, AgentLauncher launcher, int round, Path photos)
            throws IOException, InterruptedException {
        Prepared prepared = prepare(name, photos);
        String load = Proc.loadAverage();
        double serverBefore = Proc.cpuSeconds(registry.pid());
        Path log = logs.resolve(name + ".rusage");
        agent(prepared.watch(), launcher, prepared.codes(), logs.resolve(name + ".out"), log);
        double serverCpu = Proc.cpuSeconds(registry.pid()) - serverBefore;
        requireAllDone(prepared.folder(), prepared.count());
        ProcessUsage watch = Rusage.read(log).get(0);
        return new Measurement(subject, round, prepared.count(), watch.wallSeconds(), watch.cpuSeconds(),
                serverCpu, watch.maxRssKiB(), 0, load);
    }

    /**
     * Captures and uploads {@code photos} once, unmeasured, as {@code capture} and {@code upload} would: the
     * registry's JIT then starts the measured rounds past its first minutes, as a registry that has served
     * stations for a while is. The agent's commands stay fresh processes in every measured round.
     */
    void warmUp(int index, Path photos, int expected) throws IOException, InterruptedException {
        capture(Subject.CAPTURE, "warmup-capture-" + index, javaJar, 0, photos);
        upload(Subject.UPLOAD, "warmup-upload-" + index, javaJar, 0, expected);
    }

    /** Uploads everything captured with {@code upload --parallel P --json}, as a user runs it. */
    /**
     * What the station carries now: its spool's entries (delivered ones stay until their originals'
     * retention ends, an hour by default) and its transfer log's lines.
     */
    String history() throws IOException {
        List<SpoolEntry> entries = Spool.peek(home.resolve("spool"));
        long delivered = entries.stream().filter(entry -> entry.state() == EntryState.DELIVERED).count();
        long lines;
        try (Stream<String> log = Files.lines(home.resolve("log").resolve("transfer-log.jsonl"))) {
            lines = log.count();
        }
        return entries.size() + " spool entries (" + delivered + " delivered, not yet settled), a log of " + lines
                + " lines";
    }

    Measurement upload(int round, int expected) throws IOException, InterruptedException {
        return upload(Subject.UPLOAD, "upload-r" + round, javaJar, round, expected);
    }

    /**
     * Captures the one photo in {@code onePhoto} (not measured), then measures its upload on its own:
     * the cost of an upload run whatever it carries.
     */
    Measurement uploadOne(int round, Path onePhoto) throws IOException, InterruptedException {
        return uploadOne(Subject.UPLOAD_ONE, "upload-one-r" + round, javaJar, round, onePhoto);
    }

    /** {@link #uploadOne} with the agent started by {@code launcher}, measured as {@code subject}. */
    Measurement uploadOne(Subject subject, String name, AgentLauncher launcher, int round, Path onePhoto)
            throws IOException, InterruptedException {
        Prepared prepared = prepare(name, onePhoto);
        agent(prepared.watch(), launcher, prepared.codes(), logs.resolve(name + "-capture.out"), null);
        requireAllDone(prepared.folder(), prepared.count());
        return upload(subject, name, launcher, round, prepared.count());
    }

    /** {@link #upload(int, int)} with the agent started by {@code launcher}, measured as {@code subject}. */
    Measurement upload(Subject subject, String name, AgentLauncher launcher, int round, int expected)
            throws IOException, InterruptedException {
        String load = Proc.loadAverage();
        Proc.resetPeakRss(registry.pid());
        double serverBefore = Proc.cpuSeconds(registry.pid());
        Path log = logs.resolve(name + ".rusage");
        Path output = logs.resolve(name + ".out");
        agent(uploadCommand(), launcher, null, output, log);
        double serverCpu = Proc.cpuSeconds(registry.pid()) - serverBefore;
        long serverPeak = Proc.peakRssKiB(registry.pid());
        requireDelivered(output, expected);
        ProcessUsage upload = Rusage.read(log).get(0);
        return new Measurement(subject, round, expected, upload.wallSeconds(), upload.cpuSeconds(), serverCpu,
                upload.maxRssKiB(), serverPeak, load);
    }

    /** fsync plus fdatasync calls of one capture and one upload of a set of photos. */
    record Fsyncs(long capture, long uploadStation, long uploadRegistry) {}

    /** Counts the fsyncs of capturing and uploading {@code photos} once more, under strace. */
    Fsyncs fsyncs(Path photos) throws IOException, InterruptedException {
        Prepared prepared = prepare("capture-fsync", photos);
        Path captureSummary = logs.resolve("capture-fsync.strace");
        traced(prepared.watch(), prepared.codes(), logs.resolve("capture-fsync.out"), captureSummary);
        requireAllDone(prepared.folder(), prepared.count());
        Path clientSummary = logs.resolve("upload-client-fsync.strace");
        Path serverSummary = logs.resolve("upload-server-fsync.strace");
        Path output = logs.resolve("upload-fsync.out");
        Process server = FsyncCount.attach(registry.pid(), serverSummary);
        try {
            traced(uploadCommand(), null, output, clientSummary);
        } finally {
            FsyncCount.detach(server, serverSummary);
        }
        requireDelivered(output, prepared.count());
        return new Fsyncs(FsyncCount.count(captureSummary), FsyncCount.count(clientSummary),
                FsyncCount.count(serverSummary));
    }

    private record Prepared(Path folder, Path codes, int count, List<String> watch) {}

    /** A hot folder with a copy of each photo named {@code <code id>.jpg}, and the codes' texts for standard input. */
    private Prepared prepare(String name, Path photos) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(photos)) {
            sources = files.sorted().toList();
        }
        List<RegistryAdmin.Code> codes = admin.issueCodes(nextStudent, sources.size());
        nextStudent += sources.size();
        Path folder = Files.createDirectories(home.resolveSibling("hot").resolve(name));
        List<String> texts = new ArrayList<>(codes.size());
        for (int i = 0; i < sources.size(); i++) {
            Files.copy(sources.get(i), folder.resolve(codes.get(i).codeId() + ".jpg"));
            texts.add(codes.get(i).text());
        }
        Path codeFile = privateFile(home.resolveSibling("hot").resolve(name + ".codes"), String.join("\n", texts)
                + "\n");
        return new Prepared(folder, codeFile, sources.size(), List.of("watch", "--home", home.toString(), "--once",
                "--code-stdin", "--settle", "0", folder.toString()));
    }

    private List<String> uploadCommand() {
        return List.of("upload", "--home", home.toString(), "--parallel", Integer.toString(options.parallel()),
                "--json");
    }

    /** Runs the agent with {@code arguments} through {@code launcher}, under {@code rusage.py} if {@code rusageLog}. */
    private void agent(List<String> arguments, AgentLauncher launcher, Path stdin, Path output, Path rusageLog)
            throws IOException, InterruptedException {
        run(arguments, launcher.command(arguments), stdin, output, rusageLog);
    }

    /** Runs {@code java -jar codebound-agent.jar ARGS} under strace, which writes its summary to {@code summary}. */
    private void traced(List<String> arguments, Path stdin, Path output, Path summary)
            throws IOException, InterruptedException {
        run(arguments, FsyncCount.traced(summary, javaJar.command(arguments)), stdin, output, null);
    }

    private void run(List<String> arguments, List<String> command, Path stdin, Path output, Path rusageLog)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(rusageLog == null ? command : rusage.wrap(command))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        if (rusageLog != null) {
            rusage.configure(builder.environment(), rusageLog);
        }
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IOException("codebound-agent " + String.join(" ", arguments) + " exited with " + exit
                    + "; its output is in " + output);
        }
    }

    private static void requireAllDone(Path folder, int expected) throws IOException {
        long done;
        try (Stream<Path> files = Files.list(folder.resolve("done"))) {
            done = files.count();
        }
        if (done != expected) {
            throw new IOException("watch --once sealed " + done + " of " + expected + " photos in " + folder);
        }
    }

    private static void requireDelivered(Path output, int expected) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
        if (summary.path("delivered").asInt() != expected) {
            throw new IOException("upload delivered " + summary.path("delivered").asInt() + " of " + expected
                    + " envelopes; see " + output);
        }
    }

    private static Path privateFile(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String randomSecret() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    @Override
    public void close() throws InterruptedException {
        registry.close();
    }
}
