package dev.codebound.agent.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.cli.ExitCodes;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The crash-torture driver: a station (agent JVMs running {@code capture} and {@code upload}) and
 * the registry (its own JVM) work through batches of photos while this driver SIGKILLs one or the
 * other, or both, at seeded random moments, and restarts what it killed. When the kill budget is
 * spent, the work is finished with both alive and {@link TortureInvariants} checks the result.
 *
 * <p>Two threads: the <em>station runner</em> plays the photographer (capture each photo of the
 * batch that is not yet spooled, upload between sessions and at the end, re-run whatever a kill
 * interrupted), and the <em>killer</em> (the caller's thread) plays the power cord. Each kill round
 * draws from the seeded generator, in this order: the victim (agent 55 %, registry 35 %, both
 * 10 %), a trigger among those that fit what the station is doing, and the trigger's parameter:
 *
 * <ul>
 *   <li>{@code DELAY}: a moment in the agent process's life (0–2.5 s after it started) or, for the
 *       registry, 0–4 s into the round;</li>
 *   <li>{@code SEAL}: as soon as {@code capture} has started sealing into the spool (a
 *       {@code .partial} file in {@code spool/envelopes/}: mid-seal);</li>
 *   <li>{@code SPOOL_ENTRY}: as soon as a sealed envelope is renamed into {@code spool/envelopes/}
 *       (after the capture record, before the entry's journal record is durable);</li>
 *   <li>{@code ENTRY_QUEUED}: as soon as a new entry's record is in the spool's journal (the
 *       enqueue is done);</li>
 *   <li>{@code STORED_BYTES}: once the registry's upload files grew by 1 byte to 3 chunks since the
 *       round began (mid-chunk, mid-request);</li>
 *   <li>{@code RECEIPT}: as soon as the agent wrote a receipt into a spool entry (the delivery's
 *       own crash window);</li>
 *   <li>{@code ACCEPTANCE}: as soon as the registry archived an envelope (inside acceptance:
 *       archive, transparency log, record).</li>
 * </ul>
 *
 * A trigger that does not fire within 20 s kills at that moment. The same seed gives the same
 * sequence of draws; where the kill lands within the processes still depends on the machine's
 * timing, so a seed replays the schedule, not the exact instructions.
 */
final class CrashTorture {
    static final int DEFAULT_BATCH = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TRIGGER_TIMEOUT = Duration.ofSeconds(20);

    /** Who gets the SIGKILL. */
    enum Victim { AGENT, REGISTRY, BOTH }

    /** When it gets it. */
    enum Trigger { DELAY, SEAL, SPOOL_ENTRY, ENTRY_QUEUED, STORED_BYTES, RECEIPT, ACCEPTANCE }

    /** What the station runner is doing. */
    enum Step { CAPTURE, UPLOAD }

    /** The harness's knobs. */
    record Settings(long seed, int kills, int batchSize, int chunkSize, String limitRate, Path workDir) {}

    /** One photo of a batch and the code it is taken for. */
    record Photo(int number, String codeId, String codeText, Path file) {}

    private final Settings settings;
    private final Random random;
    private final PrintStream log;
    private final ServerUnderTest server;
    private final StationUnderTest station;
    private final Path logs;

    final List<Photo> photos = new CopyOnWriteArrayList<>();
    private final Set<Integer> attempted = ConcurrentHashMap.newKeySet();
    final Map<Victim, Integer> kills = Collections.synchronizedMap(new EnumMap<>(Victim.class));
    final Map<String, Integer> killsByTrigger = new ConcurrentHashMap<>();
    final List<String> anomalies = new CopyOnWriteArrayList<>();
    final Set<Long> killedPids = ConcurrentHashMap.newKeySet();
    final Map<Step, Integer> completedRuns = new ConcurrentHashMap<>();
    final Map<Step, Long> completedMillis = new ConcurrentHashMap<>();
    final AtomicLong bytesSent = new AtomicLong();
    private final Map<Integer, Long> receivedByIncarnation = new ConcurrentHashMap<>();
    private final Map<Integer, Long> storedByIncarnation = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private final Thread cleanup = new Thread(this::destroyChildren, "torture-cleanup");
    final AtomicLong bytesResent = new AtomicLong();
    private final long began = System.nanoTime();
    int rounds;
    int missed;
    int batches;
    int captureRuns;
    int uploadRuns;

    private volatile Process agent;
    private volatile long agentStarted;
    private volatile Step step = Step.CAPTURE;
    private volatile boolean killing = true;
    private volatile Throwable runnerFailure;
    /**
     * Registry outages so far (a kill, until the restart listens again), counted when one begins; an
     * upload run that overlaps one may find the registry unreachable and exit 6, as documented.
     */
    private final AtomicInteger registryOutages = new AtomicInteger();
    private volatile boolean registryDown;

    CrashTorture(Settings settings, PrintStream log) throws IOException {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.log = log;
        this.logs = settings.workDir().resolve("logs");
        this.server = ServerUnderTest.on(settings.workDir().resolve("registry"), logs);
        this.station = new StationUnderTest(settings.workDir().resolve("station"));
    }

    ServerUnderTest server() {
        return server;
    }

    StationUnderTest station() {
        return station;
    }

    Settings settings() {
        return settings;
    }

    int kills(Victim victim) {
        return kills.getOrDefault(victim, 0);
    }

    int totalKills() {
        return kills.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Sets up registry and station, runs the kill rounds, then lets the station finish its work. */
    void run() throws Exception {
        Files.createDirectories(logs);
        // If the test JVM is stopped (a surefire timeout, ^C), take the children with it.
        Runtime.getRuntime().addShutdownHook(cleanup);
        log.printf("crash torture: seed %d, %d kills, batches of %d photos, chunk %d bytes, rate %s, work dir %s%n",
                settings.seed(), settings.kills(), settings.batchSize(), settings.chunkSize(), settings.limitRate(),
                settings.workDir());
        server.start();
        enrollStation();
        addBatch();
        Thread sampler = new Thread(this::sampleMetrics, "torture-metrics");
        sampler.setDaemon(true);
        sampler.start();
        Thread runner = new Thread(this::runStation, "torture-station");
        runner.setDaemon(true);
        runner.start();
        try {
            while (totalKills() < settings.kills()) {
                if (runnerFailure != null || !runner.isAlive()) {
                    break;
                }
                round();
            }
        } finally {
            killing = false;
        }
        runner.join(Duration.ofMinutes(10).toMillis());
        if (runner.isAlive()) {
            Process current = agent;
            if (current != null) {
                current.destroyForcibly();
            }
            throw new AssertionError("the station did not finish its work within ten minutes after the last kill; "
                    + "logs in " + logs);
        }
        if (runnerFailure != null) {
            throw new AssertionError("the station runner failed: " + runnerFailure, runnerFailure);
        }
        if (!server.alive()) {
            server.start();
        }
    }

    private void enrollStation() throws Exception {
        StationUnderTest.Result init = station.run("init", "--registry-url=" + server.url(),
                "--registry-ca=" + server.caFile(), "--schools=10337", "--no-passphrase");
        require(init.exitCode() == 0, "init failed: " + init.both());
        String token = server.adminPost("/admin/v1/enrollment-tokens",
                JSON.createObjectNode().put("note", "crash torture"), 201).get("token").asText();
        StationUnderTest.Result enroll = station.run(Map.of("CODEBOUND_ENROLLMENT_TOKEN", token), "enroll");
        require(enroll.exitCode() == 0, "enroll failed: " + enroll.both());
        // Small chunks so that kills land mid-envelope; short backoffs so that a registry restart costs
        // seconds, not minutes; a request timeout well above the time a restart takes.
        Files.writeString(station.station().config(), String.join("\n",
                "upload.chunk-size=" + settings.chunkSize(),
                "upload.retry.base-delay=PT0.2S",
                "upload.retry.max-delay=PT1S",
                "upload.max-attempts=20",
                "upload.request-timeout=PT30S") + "\n", StandardOpenOption.APPEND);
    }

    /** Issues a batch of codes (retrying while the registry restarts) and writes their photos. */
    private void addBatch() throws Exception {
        batches++;
        Path folder = settings.workDir().resolve("photos");
        Files.createDirectories(folder);
        for (int i = 0; i < settings.batchSize(); i++) {
            int number = photos.size() + 1;
            JsonNode code = issueCode(number);
            Path file = folder.resolve(String.format("photo-%04d.jpg", number));
            Files.write(file, SamplePhotos.good(settings.seed() * 31 + number));
            photos.add(new Photo(number, code.get("codeId").asText(), code.get("text").asText(), file));
        }
    }

    private JsonNode issueCode(int number) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return server.adminPost("/admin/v1/codes", JSON.createObjectNode()
                        .put("studentNumber", "T" + settings.seed() % 100000 + "N" + number).put("name", "Test Student")
                        .put("idNumber", "11010519491231002X").put("schoolCode", 10337).put("cohort", 2027), 201);
            } catch (IOException e) {
                if (attempt >= 300) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Samples the registry's byte counters a few times a second. Counters restart with the process,
     * so the last sample of each incarnation is summed: a lower bound of what the registry received
     * (bytes that arrived after a killed incarnation's last sample are missed).
     */
    private void sampleMetrics() {
        while (!stopped) {
            try {
                int incarnation = server.starts();
                if (server.alive()) {
                    String text = server.getText("/metrics");
                    long received = counter(text, "codebound_http_request_body_bytes_total");
                    long stored = counter(text, "codebound_upload_bytes_stored_total");
                    receivedByIncarnation.merge(incarnation, received, Math::max);
                    storedByIncarnation.merge(incarnation, stored, Math::max);
                }
                Thread.sleep(200);
            } catch (IOException e) {
                // killed or restarting
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long counter(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    long registryReceivedBytes() {
        return receivedByIncarnation.values().stream().mapToLong(Long::longValue).sum();
    }

    long registryStoredBytes() {
        return storedByIncarnation.values().stream().mapToLong(Long::longValue).sum();
    }

    // ---- the station runner ----------------------------------------------------------------------------

    private void runStation() {
        try {
            int idleUploads = 0;
            while (true) {
                Photo next = nextToCapture();
                if (next != null && !(startsSession(next) && !station.everythingDelivered())) {
                    runCapture(next);
                    continue;
                }
                if (!station.everythingDelivered()) {
                    List<String> stuck = station.entriesNeedingAnOperator();
                    if (!stuck.isEmpty()) {
                        throw new IllegalStateException("entries need an operator: " + stuck);
                    }
                    int exit = runUpload();
                    idleUploads = exit == 0 ? 0 : idleUploads + 1;
                    if (idleUploads > 60) {
                        throw new IllegalStateException("60 upload runs in a row did not finish; see " + logs);
                    }
                    continue;
                }
                if (next != null) {
                    runCapture(next);
                    continue;
                }
                if (!killing) {
                    return;
                }
                addBatch();
            }
        } catch (Throwable e) {
            runnerFailure = e;
        }
    }

    /**
     * The first photo not in the spool. Once the kills are over, only photos whose capture was
     * already attempted (and killed before spooling) are captured again; the rest of the batch is
     * left unshot, so the run ends soon after the last kill.
     */
    private Photo nextToCapture() throws IOException {
        Set<String> spooled = station.spooledCodes();
        for (Photo photo : photos) {
            if (!spooled.contains(photo.codeId()) && (killing || attempted.contains(photo.number()))) {
                return photo;
            }
        }
        return null;
    }

    /** Each batch is shot in two sessions, with an upload after each. */
    private boolean startsSession(Photo photo) {
        int session = Math.max(1, settings.batchSize() / 2);
        return (photo.number() - 1) % settings.batchSize() % session == 0;
    }

    /** The photos of which a capture was started: the ones the invariants are about. */
    List<Photo> attemptedPhotos() {
        return photos.stream().filter(photo -> attempted.contains(photo.number())).toList();
    }

    private void runCapture(Photo photo) throws Exception {
        attempted.add(photo.number());
        captureRuns++;
        Path output = logs.resolve(String.format("agent-%04d-capture.log", captureRuns + uploadRuns));
        int exit = runAgent(Step.CAPTURE, output, "capture", "--code", photo.codeText(), photo.file().toString(),
                "--json");
        if (exit != 0 && exit != 137) {
            anomaly("capture of photo " + photo.number() + " exited " + exit, output);
        }
    }

    private int runUpload() throws Exception {
        uploadRuns++;
        Path output = logs.resolve(String.format("agent-%04d-upload.log", captureRuns + uploadRuns));
        int outagesBefore = registryOutages.get();
        boolean downAtStart = registryDown;
        int exit = runAgent(Step.UPLOAD, output, "upload", "--json", "--limit-rate", settings.limitRate());
        boolean registryWasDown = downAtStart || registryDown || registryOutages.get() != outagesBefore;
        if (exit == ExitCodes.UNREACHABLE && registryWasDown) {
            // The upload checked the registry first, found it down, and left the spool alone: the next run uploads.
            return exit;
        }
        if (exit == 0 || exit == 8) {
            // The JSON summary is the last line (anything before it would be a warning).
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("{")) {
                    JsonNode summary = JSON.readTree(lines.get(i));
                    bytesSent.addAndGet(summary.path("bytesSent").asLong());
                    bytesResent.addAndGet(summary.path("bytesResent").asLong());
                    break;
                }
            }
        } else if (exit != 137) {
            anomaly("upload exited " + exit, output);
        }
        return exit;
    }

    private int runAgent(Step kind, Path output, String... args) throws Exception {
        step = kind;
        Process process = station.start(output, args);
        agentStarted = System.nanoTime();
        agent = process;
        int exit = process.waitFor();
        agent = null;
        if (exit == 0) {
            completedRuns.merge(kind, 1, Integer::sum);
            completedMillis.merge(kind, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - agentStarted), Long::sum);
        }
        if (exit == 137 && !killedPids.contains(process.pid())) {
            anomaly("an agent process died of SIGKILL that the harness did not send", output);
        }
        return exit;
    }

    private void anomaly(String what, Path output) {
        String text;
        try {
            text = Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "(no output: " + e + ")";
        }
        anomalies.add(what + " (" + output.getFileName() + "):\n" + text);
        log.println("ANOMALY: " + what + " (" + output + ")");
    }

    // ---- the killer ------------------------------------------------------------------------------------

    private void round() throws Exception {
        rounds++;
        int v = random.nextInt(100);
        Victim victim = v < 55 ? Victim.AGENT : v < 90 ? Victim.REGISTRY : Victim.BOTH;
        // The step to strike in: the registry is idle while the station captures, so it is mostly killed
        // during uploads; the agent half and half.
        Step phase = random.nextInt(100) < (victim == Victim.REGISTRY ? 10 : 50) ? Step.CAPTURE : Step.UPLOAD;
        Trigger trigger = chooseTrigger(victim, phase, random.nextInt(100));
        long parameter = switch (trigger) {
            case DELAY -> victim == Victim.REGISTRY ? random.nextInt(4000) : random.nextInt(2500);
            case STORED_BYTES -> 1 + random.nextInt(3 * settings.chunkSize());
            default -> 0;
        };
        awaitStep(phase);
        boolean fired = await(victim, trigger, parameter);
        boolean hit = false;
        if (victim != Victim.REGISTRY) {
            hit = killAgent();
        }
        if (victim != Victim.AGENT) {
            registryDown = true;
            registryOutages.incrementAndGet();
            server.kill();
            hit = true;
        }
        String label = phase + "/" + trigger + (fired ? "" : "(timeout)");
        if (hit) {
            kills.merge(victim, 1, Integer::sum);
            killsByTrigger.merge(victim + "/" + label, 1, Integer::sum);
        } else {
            missed++;
        }
        log.printf("%6.1f s round %d: kill %s during %s at %s %d -> %s%n", elapsedSeconds(), rounds, victim, phase,
                trigger, parameter,
                hit ? (fired ? "killed" : "killed after the trigger timed out") : "missed (no process running)");
        if (!server.alive()) {
            Thread.sleep(random.nextInt(300));
            server.start();
        }
        registryDown = false;
    }

    /** Waits until an agent process runs a step of this kind; at most the trigger timeout. */
    private void awaitStep(Step wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TRIGGER_TIMEOUT.toNanos();
        while ((step != wanted || agent == null) && System.nanoTime() < deadline && runnerFailure == null) {
            Thread.sleep(5);
        }
    }

    private static Trigger chooseTrigger(Victim victim, Step phase, int r) {
        if (victim == Victim.REGISTRY) {
            if (phase == Step.CAPTURE) {
                return Trigger.DELAY;
            }
            return r < 30 ? Trigger.DELAY : r < 70 ? Trigger.STORED_BYTES : Trigger.ACCEPTANCE;
        }
        if (phase == Step.CAPTURE) {
            return r < 30 ? Trigger.DELAY : r < 55 ? Trigger.SEAL : r < 75 ? Trigger.SPOOL_ENTRY : Trigger.ENTRY_QUEUED;
        }
        return r < 30 ? Trigger.DELAY : r < 75 ? Trigger.STORED_BYTES : Trigger.RECEIPT;
    }

    /** Waits for the trigger; false when it timed out. */
    private boolean await(Victim victim, Trigger trigger, long parameter) throws Exception {
        long deadline = System.nanoTime() + TRIGGER_TIMEOUT.toNanos();
        if (trigger == Trigger.DELAY) {
            if (victim == Victim.REGISTRY) {
                Thread.sleep(parameter);
                return true;
            }
            while (agent == null && System.nanoTime() < deadline && killing && runnerFailure == null) {
                Thread.sleep(2);
            }
            long target = agentStarted + TimeUnit.MILLISECONDS.toNanos(parameter);
            while (System.nanoTime() < target) {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(target - System.nanoTime())));
            }
            return agent != null;
        }
        long baseline = measure(trigger);
        while (System.nanoTime() < deadline && runnerFailure == null) {
            long now = measure(trigger);
            if (trigger == Trigger.STORED_BYTES) {
                // Recovery after a registry restart cuts unacknowledged bytes: count growth from the lowest point.
                baseline = Math.min(baseline, now);
                if (now - baseline >= parameter) {
                    return true;
                }
            } else if (now > baseline) {
                return true;
            } else {
                baseline = now;
            }
            Thread.sleep(trigger == Trigger.STORED_BYTES || trigger == Trigger.ACCEPTANCE ? 5 : 1);
        }
        return false;
    }

    private long measure(Trigger trigger) throws IOException {
        return switch (trigger) {
            case SEAL -> station.envelopeFiles(".partial");
            case SPOOL_ENTRY -> station.envelopeFiles(".cms");
            case ENTRY_QUEUED -> station.entriesInJournal();
            case RECEIPT -> station.receiptsInSpool();
            case ACCEPTANCE -> StationUnderTest.count(server.dataDir().resolve("registry").resolve("photos"));
            case STORED_BYTES -> storedBytes();
            case DELAY -> 0;
        };
    }

    /** Bytes in the registry's upload data files. */
    long storedBytes() {
        Path uploads = server.dataDir().resolve("uploads");
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> list = Files.list(uploads)) {
            for (Path upload : list.filter(path -> path.getFileName().toString().endsWith(".data")).toList()) {
                try {
                    total += Files.size(upload);
                } catch (IOException e) {
                    // created or deleted just now
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /** SIGKILLs the running agent process; false when none was running. */
    private boolean killAgent() throws InterruptedException {
        Process process = agent;
        if (process == null || !process.isAlive()) {
            return false;
        }
        killedPids.add(process.pid());
        process.destroyForcibly();
        process.waitFor();
        return process.exitValue() == 137;
    }

    private void destroyChildren() {
        Process current = agent;
        if (current != null) {
            current.destroyForcibly();
        }
        Process registry = server.process();
        if (registry != null) {
            registry.destroyForcibly();
        }
    }

    /** Stops everything this harness started. */
    void shutdown() throws InterruptedException {
        killing = false;
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never registered
        }
        Process process = agent;
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        server.close();
    }

    List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add("seed " + settings.seed());
        lines.add("kills: " + totalKills() + " (agent " + kills(Victim.AGENT) + ", registry " + kills(Victim.REGISTRY)
                + ", both " + kills(Victim.BOTH) + "), rounds " + rounds + ", missed " + missed);
        lines.add("kills by trigger: " + new java.util.TreeMap<>(killsByTrigger));
        lines.add("photos " + attemptedPhotos().size() + " captured of " + photos.size() + " in " + batches
                + " batch(es); agent runs: " + captureRuns
                + " capture, " + uploadRuns + " upload; registry starts " + server.starts());
        lines.add("bytes sent " + bytesSent.get() + ", re-sent " + bytesResent.get()
                + " (as reported by upload runs that finished; a killed run cannot report what it sent)");
        lines.add("the registry received at least " + registryReceivedBytes() + " request body bytes and stored at "
                + "least " + registryStoredBytes() + " upload bytes (lower bounds: sampled 5 times a second, and a "
                + "killed process's last moments are lost)");
        for (Step kind : Step.values()) {
            int runs = completedRuns.getOrDefault(kind, 0);
            if (runs > 0) {
                lines.add(kind.name().toLowerCase(java.util.Locale.ROOT) + " runs that completed took "
                        + completedMillis.get(kind) / runs + " ms on average");
            }
        }
        return lines;
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - began) / 1e9;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
