package dev.codebound.registry.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.faults.FaultInjector;
import dev.codebound.server.faults.FaultPlan;
import dev.codebound.server.upload.FileUploadStore;
import dev.codebound.server.upload.UploadInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process mock registry for JUnit 5 tests: 127.0.0.1, an ephemeral port, a temporary data
 * directory, mutual TLS by default.
 *
 * <pre>{@code
 * @RegisterExtension
 * static CodeboundRegistry registry = CodeboundRegistry.builder().build();
 * }</pre>
 *
 * <p>In a {@code static} field the registry starts before the class's first test and stops after
 * its last ({@code @Nested} classes share it); in an instance field, around each test. Stopping
 * deletes the data directory, unless the test gave its own ({@link Builder#dataDir(Path)}). Between
 * the two it hands out what an integrator's test needs: {@linkplain #enrollStation() enrolled
 * stations} (key and certificate, through the real enrollment route) or {@linkplain #enrollmentToken()
 * enrollment tokens} for a client that enrolls itself, {@linkplain #issueCode() issued codes}, the
 * {@linkplain #faultPlan(String) fault plan}, the {@linkplain #journal() request journal} and the
 * {@linkplain #uploads() uploads} the registry holds. A test of recovery {@linkplain #restart() restarts}
 * the registry over the same data directory and port, or {@linkplain #stop() stops} it early to read what
 * it left on disk. Outside the extension's callbacks, a test may {@linkplain #start() start} and stop one
 * itself for part of a test.
 */
public final class CodeboundRegistry implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    /** The particulars of the students {@link #issueCode()} issues for: a valid test identity number. */
    private static final String TEST_ID_NUMBER = "11010519491231002X";
    private static final int TEST_SCHOOL = 10337;
    private static final int TEST_COHORT = 2027;

    private final boolean tls;
    private final Path givenDataDir;
    private final Long seed;
    private final FaultPlan initialPlan;
    private final UnaryOperator<MockRegistryConfig.Builder> settings;
    private final AtomicInteger students = new AtomicInteger();

    private MockRegistry server;
    private Path dataDir;
    private AdminClient api;
    /**
     * The class or test whose callbacks started the registry, and whose end stops it: so a
     * {@code @Nested} class sharing a static registry does not stop it for the outer class.
     */
    private ExtensionContext owner;

    private CodeboundRegistry(Builder builder) {
        this.tls = builder.tls;
        this.givenDataDir = builder.dataDir;
        this.seed = builder.seed;
        this.initialPlan = builder.faultPlan;
        this.settings = builder.settings;
    }

    /** A builder with the defaults: mutual TLS, no faults, a seed drawn at start. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        startFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stopFor(context);
    }

    /** Only an instance field reaches here with no registry running: it gets one per test. */
    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        startFor(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        stopFor(context);
    }

    private void startFor(ExtensionContext context) throws IOException {
        if (server == null) {
            start();
            owner = context;
        }
    }

    private void stopFor(ExtensionContext context) throws IOException {
        if (context == owner) {
            owner = null;
            stop();
        }
    }

    /**
     * Starts the registry. The extension's callbacks do this; a test calls it only for a registry it keeps
     * for part of one test, outside JUnit's callbacks, and then calls {@link #stop()} itself (typically with
     * {@link Builder#dataDir(Path)}, to read what the stopped registry left on disk). Starting a running
     * registry does nothing.
     */
    public void start() throws IOException {
        if (server != null) {
            return;
        }
        dataDir = givenDataDir != null ? Files.createDirectories(givenDataDir)
                : Files.createTempDirectory("codebound-registry-");
        launch(0);
    }

    /** Starts a server over {@link #dataDir} on {@code port} (0: an ephemeral one). */
    private void launch(int port) throws IOException {
        MockRegistryConfig.Builder config = settings.apply(MockRegistryConfig.builder()
                .storageThreads(2)
                .eventLoopThreads(1)
                .seed(seed)
                .faultPlan(initialPlan))
                .bindAddress("127.0.0.1")
                .port(port)
                .dataDir(dataDir)
                .tls(tls);
        try {
            server = MockRegistry.start(config.build());
            api = new AdminClient(server.baseUri(), server.adminToken(),
                    tls ? TlsContexts.create(caCertificate(), null, null) : null);
        } catch (GeneralSecurityException e) {
            stop();
            throw new IOException("cannot set up TLS to the registry: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Stops the registry gracefully and deletes its data directory unless the test gave its own. The
     * extension does this after the class or test; a test may do it earlier, to read what the registry
     * left on disk (with {@link Builder#dataDir(Path)}), and must for a registry it {@linkplain #start()
     * started} itself. Stopping a stopped registry does nothing.
     */
    public void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        api = null;
        if (dataDir != null && givenDataDir == null) {
            deleteTree(dataDir);
        }
        dataDir = null;
    }

    /** {@link #stop()}: so a registry a test {@linkplain Builder#start() started} itself fits try-with-resources. */
    @Override
    public void close() throws IOException {
        stop();
    }

    /**
     * Stops the registry gracefully and starts it again over the same data directory and on the same port,
     * as an operator's restart looks to clients: a station keeps its configured URL. Stations, codes, uploads,
     * archived photos and the transparency log survive; the fault plan is the builder's again and the
     * request journal starts empty.
     */
    public void restart() throws IOException {
        MockRegistry stopping = running();
        int port = stopping.port();
        stopping.close();
        server = null;
        api = null;
        launch(port);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private MockRegistry running() {
        if (server == null) {
            throw new IllegalStateException("the registry is not running: register CodeboundRegistry with "
                    + "@RegisterExtension and use it from a test or a @BeforeEach/@BeforeAll method");
        }
        return server;
    }

    /** {@code https://127.0.0.1:PORT} (or {@code http://} in plain mode), without a trailing slash. */
    public URI baseUri() {
        return running().baseUri();
    }

    /** The port the registry listens on. */
    public int port() {
        return running().port();
    }

    /** The registry CA certificate: the only certificate a client of this registry should trust. */
    public X509Certificate caCertificate() {
        return running().keyring().authority().certificate();
    }

    /**
     * A TLS context that trusts only the registry CA and presents no certificate, for the public
     * and admin routes (use {@link EnrolledStation#sslContext()} for station routes).
     */
    public SSLContext sslContext() throws GeneralSecurityException {
        return TlsContexts.create(caCertificate(), null, null);
    }

    /** The admin bearer token (TLS mode; plain mode trusts loopback clients and has none). */
    public Optional<String> adminToken() {
        return running().adminToken();
    }

    /**
     * The data directory (keys, codes, uploads, archive, log): a temporary one, deleted when the registry
     * stops, or the test's own ({@link Builder#dataDir(Path)}), left in place.
     */
    public Path dataDir() {
        running();
        return dataDir;
    }

    /** The registry CA certificate as a PEM file in the data directory, for clients configured with a file. */
    public Path caCertificateFile() {
        return running().caCertificateFile();
    }

    /** The running server, for anything this class does not cover. */
    public MockRegistry server() {
        return running();
    }

    /**
     * Enrolls a new station as the agent does: a fresh P-256 key, a one-time token from the admin
     * API, and the token and a PKCS#10 request sent to {@code POST /registry/v1/enrollments}.
     */
    public EnrolledStation enrollStation() throws IOException {
        MockRegistry registry = running();
        String token = enrollmentToken();
        KeyPair keys = KeyPairs.generateP256();
        ObjectNode request = AdminClient.JSON.createObjectNode().put("token", token)
                .put("csr", PemFiles.requestToPem(CertificationRequests.create(keys, "junit-station")));
        JsonNode answer = api.postPublic("/registry/v1/enrollments", request, 201);
        X509Certificate certificate = PemFiles.certificatesFromPem(answer.get("certificate").asText(),
                "the enrollment answer").get(0);
        return new EnrolledStation(answer.get("stationId").asText(), keys.getPrivate(), certificate,
                registry.keyring().authority().certificate());
    }

    /**
     * A fresh one-time enrollment token ({@code POST /admin/v1/enrollment-tokens}), for a client under test
     * that enrolls itself (as {@code codebound-agent enroll} does).
     */
    public String enrollmentToken() throws IOException {
        running();
        return api.post("/admin/v1/enrollment-tokens",
                AdminClient.JSON.createObjectNode().put("note", "JUnit test station"), 201).get("token").asText();
    }

    /** A code for a new test student at school 10337, cohort 2027, valid from yesterday for 30 days. */
    public IssuedCode issueCode() throws IOException {
        return issueCode("JUNIT" + students.incrementAndGet(), "Test Student", TEST_ID_NUMBER, TEST_SCHOOL,
                TEST_COHORT);
    }

    /** A code for this student, valid from yesterday for 30 days ({@code POST /admin/v1/codes}). */
    public IssuedCode issueCode(String studentNumber, String name, String idNumber, int schoolCode, int cohort)
            throws IOException {
        Instant now = Instant.now();
        return issueCode(studentNumber, name, idNumber, schoolCode, cohort, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
    }

    /**
     * A code for a new test student (cohort 2027) at {@code schoolCode}, valid from {@code notBefore} to
     * {@code notAfter}: for a client's handling of a code not yet valid, expired, or of another school.
     */
    public IssuedCode issueCode(int schoolCode, Instant notBefore, Instant notAfter) throws IOException {
        return issueCode("JUNIT" + students.incrementAndGet(), "Test Student", TEST_ID_NUMBER, schoolCode,
                TEST_COHORT, notBefore, notAfter);
    }

    /** A code for this student valid from {@code notBefore} to {@code notAfter} ({@code POST /admin/v1/codes}). */
    public IssuedCode issueCode(String studentNumber, String name, String idNumber, int schoolCode, int cohort,
            Instant notBefore, Instant notAfter) throws IOException {
        running();
        ObjectNode request = AdminClient.JSON.createObjectNode().put("studentNumber", studentNumber)
                .put("name", name).put("idNumber", idNumber).put("schoolCode", schoolCode).put("cohort", cohort)
                .put("notBefore", notBefore.toString()).put("notAfter", notAfter.toString());
        JsonNode answer = api.post("/admin/v1/codes", request, 201);
        return new IssuedCode(answer.get("codeId").asText(), answer.get("text").asText());
    }

    /** Revokes a code; the next trust bundle lists it. */
    public void revokeCode(String codeId) throws IOException {
        api.post("/admin/v1/codes/" + codeId + "/revocation", AdminClient.JSON.createObjectNode(), 200);
    }

    /** Revokes a station: its certificate is refused from now on. */
    public void revokeStation(String stationId) throws IOException {
        api.post("/admin/v1/stations/" + stationId + "/revocation",
                AdminClient.JSON.createObjectNode().put("note", "revoked by a JUnit test"), 200);
    }

    /**
     * Replaces the fault plan, as {@code PUT /admin/faults} does (docs/registry-api.md, "Fault
     * injection"); counting restarts.
     *
     * @throws IllegalArgumentException naming the bad field when the plan is invalid
     */
    public void faultPlan(String planJson) {
        running().faults().replace(FaultPlan.fromJson(planJson.getBytes(StandardCharsets.UTF_8)));
    }

    /** Removes every fault rule. */
    public void clearFaults() {
        running().faults().clear();
    }

    /** The fault injector: the plan and seed in force and each rule's counters ({@code status()}). */
    public FaultInjector faults() {
        return running().faults();
    }

    /** Every request the journal holds, newest first. */
    public List<JournalEntry> journal() throws IOException {
        return journal(running().config().journalCapacity());
    }

    /** The {@code limit} most recent requests, newest first ({@code GET /admin/journal}). */
    public List<JournalEntry> journal(int limit) throws IOException {
        List<JournalEntry> entries = new ArrayList<>();
        for (JsonNode entry : api.get("/admin/journal?limit=" + limit).get("entries")) {
            entries.add(new JournalEntry(Instant.parse(entry.get("time").asText()), entry.get("method").asText(),
                    entry.get("route").asText(), entry.get("status").asInt(), entry.get("durationMs").asLong(),
                    entry.get("bytes").asLong(),
                    entry.hasNonNull("fault") ? Optional.of(entry.get("fault").asText()) : Optional.empty()));
        }
        return entries;
    }

    /**
     * Any admin GET answered 200 ({@code /metrics}, {@code /admin/v1/stations}, {@code /admin/v1/codes/ID}, ...):
     * its body as text.
     *
     * @throws IOException when the registry answers anything but 200, with its answer
     */
    public String adminGet(String path) throws IOException {
        running();
        return api.getText(path);
    }

    /**
     * Every upload the registry's tus store holds, complete or not, as its journal records them (over
     * shared stores, as the database records them, whichever node took them): for assertions on what
     * reached the registry (how many uploads of an envelope, how far each got). An upload the store has
     * since removed (expired or terminated) is not listed.
     */
    public List<UploadInfo> uploads() throws IOException {
        MockRegistry registry = running();
        if (registry.config().sharedStorage().isPresent()) {
            return registry.uploadStore().list();
        }
        try {
            return FileUploadStore.readRecords(dataDir().resolve("uploads"));
        } catch (NoSuchFileException noJournalYet) {
            return List.of();
        }
    }

    /** What the registry should be; {@link #build} gives the extension. */
    public static final class Builder {
        private boolean tls = true;
        private Path dataDir;
        private Long seed;
        private FaultPlan faultPlan = FaultPlan.NONE;
        private UnaryOperator<MockRegistryConfig.Builder> settings = UnaryOperator.identity();

        private Builder() {}

        /**
         * Plain HTTP instead of mutual TLS: stations name themselves with the
         * {@code Codebound-Dev-Station} header and loopback clients are admins.
         */
        public Builder plain() {
            this.tls = false;
            return this;
        }

        /**
         * Keeps the registry's data in {@code directory} (created when missing) instead of a temporary
         * directory, and leaves it there when the registry stops: for a test that reads what the registry wrote
         * after it stopped, or that starts a registry over data an earlier one left.
         */
        public Builder dataDir(Path directory) {
            this.dataDir = directory;
            return this;
        }

        /** The fault injector's seed (default: drawn at start), so probability rules fire reproducibly. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** A fault plan in force from the start (the JSON of docs/registry-api.md, "The plan"). */
        public Builder faultPlan(String planJson) {
            this.faultPlan = FaultPlan.fromJson(planJson.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /**
         * Any other setting of the server (limits, timeouts, expiry, clock, and the shared stores and
         * keys directory that make it one node of a registry of several). The extension sets the
         * address (127.0.0.1), the port (ephemeral), the data directory and the mode afterwards.
         */
        public Builder configure(UnaryOperator<MockRegistryConfig.Builder> more) {
            this.settings = more;
            return this;
        }

        public CodeboundRegistry build() {
            return new CodeboundRegistry(this);
        }

        /**
         * Builds and starts a registry outside the extension's callbacks, for part of one test; the test
         * closes it ({@code try (CodeboundRegistry registry = CodeboundRegistry.builder().start()) { ... }}).
         */
        public CodeboundRegistry start() throws IOException {
            CodeboundRegistry registry = build();
            registry.start();
            return registry;
        }
    }
}
