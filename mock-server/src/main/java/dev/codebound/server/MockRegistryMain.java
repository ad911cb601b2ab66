package dev.codebound.server;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.server.admincli.AdminCli;
import dev.codebound.server.admincli.AdminCommand;
import dev.codebound.server.adminui.AdminUiRoutes;
import dev.codebound.server.faults.FaultPlan;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.postgres.DatabasePools;
import dev.codebound.server.postgres.SharedStorageSettings;
import dev.codebound.server.faults.InvalidFaultPlanException;
import dev.codebound.server.upload.UploadRetention;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar codebound-mock-server.jar}: runs the mock national registry until interrupted.
 * A thin shell over {@link MockRegistry}; exit codes: 0 stopped, 1 failed to start, 2 bad usage.
 * {@code java -jar codebound-mock-server.jar admin ...} administers a running one instead
 * ({@link AdminCommand}, docs/admin-cli.md).
 */
@Command(name = "codebound-mock-server", mixinStandardHelpOptions = true, version = "codebound-mock-server 0.1.0",
        description = "Runs the Codebound mock national registry: tus uploads over mutual TLS, admin endpoints.",
        sortOptions = false)
public final class MockRegistryMain implements Callable<Integer> {
    /** The line format tests and scripts parse to learn the bound address. */
    static final String LISTENING = "Codebound mock registry listening on %s/";
    /** The start of the banner line with the CA certificate's fingerprint. */
    static final String FINGERPRINT = "Registry CA SHA-256 fingerprint: ";

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443",
            description = "Port to listen on; 0 picks a free one (printed). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "codebound-registry",
            description = "Keys, uploads and the admin token live here. Default: ./${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--keys", paramLabel = "DIR",
            description = "The registry's keys (keyring, TLS server certificate), created on first start. Every "
                    + "node of one registry uses the same directory, readable by the nodes' user only. "
                    + "Default: <data-dir>/keys.")
    Path keysDir;

    @Option(names = "--postgres-url", paramLabel = "JDBC_URL",
            description = "Keep the registry's state in this PostgreSQL database, shared with the registry's other "
                    + "nodes (jdbc:postgresql://host:port/database; migrated on start); needs an object store, "
                    + "--objects or --s3-bucket. The "
                    + "password comes from --postgres-password-file or the environment variable "
                    + SharedStorageSettings.PASSWORD_VARIABLE + ", never from the command line. "
                    + "Default: the embedded stores under --data-dir.")
    String postgresUrl;

    @Option(names = "--postgres-user", paramLabel = "USER", defaultValue = "codebound",
            description = "The database user (with --postgres-url). Default: ${DEFAULT-VALUE}.")
    String postgresUser;

    @Option(names = "--postgres-password-file", paramLabel = "FILE",
            description = "A file holding the database user's password (its first line), readable by the registry's "
                    + "user only.")
    Path postgresPasswordFile;

    @Option(names = "--postgres-pool-size", paramLabel = "N",
            description = "Database connections this node runs transactions on at once (with --postgres-url); a "
                    + "request that finds every one busy for 5 s is answered 503 STORAGE_BUSY. Default: 10.")
    Integer postgresPoolSize;

    @Option(names = "--postgres-lock-sessions", paramLabel = "N",
            description = "Uploads this node writes at once, each holding its lock on a database session of its own "
                    + "(with --postgres-url); one more is answered 503 STORAGE_BUSY at once. Default: 32.")
    Integer postgresLockSessions;

    @Option(names = "--objects", paramLabel = "DIR",
            description = "The object-store directory shared by the registry's nodes (with --postgres-url): upload "
                    + "bytes and accepted envelopes. Instead of the --s3-* options.")
    Path objects;

    @CommandLine.Mixin
    S3Options s3 = new S3Options();

    @CommandLine.ArgGroup(exclusive = true)
    Mode mode = new Mode();

    private final Map<String, String> environment;

    /** @param environment where the database password and the S3 credentials are read when no file is named */
    MockRegistryMain(Map<String, String> environment) {
        this.environment = environment;
    }

    /** TLS or plain; TLS unless --plain is given. */
    static final class Mode {
        @Option(names = "--tls", description = "Mutual TLS with registry-issued station certificates (default).")
        boolean tls = true;

        @Option(names = "--plain", description = "Plain HTTP for development; loopback addresses only. Stations "
                + "name themselves with the Codebound-Dev-Station header.")
        boolean plain;
    }

    @Option(names = "--tls-engine", paramLabel = "ENGINE", defaultValue = "auto",
            converter = TlsEngineConverter.class,
            description = "TLS implementation: auto (BoringSSL where it loads, else the JDK's), openssl (BoringSSL "
                    + "or refuse to start) or jdk. Default: ${DEFAULT-VALUE}.")
    TlsEngine tlsEngine;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for the fault injector (reproducible fault schedules). Default: drawn at random "
                    + "and printed.")
    Long seed;

    @Option(names = "--faults", paramLabel = "FILE",
            description = "Fault plan (JSON; see docs/registry-api.md, Fault injection) injected from the start; "
                    + "replaceable at runtime through /admin/faults. A seed in the plan overrides --seed. "
                    + "Default: none.")
    Path faults;

    @Option(names = "--max-upload-size", paramLabel = "BYTES", defaultValue = "2147483648",
            description = "Largest Upload-Length accepted (Tus-Max-Size). Default: ${DEFAULT-VALUE}.")
    long maxUploadSize;

    @Option(names = "--max-unfinished-uploads", paramLabel = "N", defaultValue = "100",
            description = "Unfinished uploads one station may hold at once; one more creation is refused "
                    + "with 429 UNFINISHED_UPLOAD_QUOTA. Default: ${DEFAULT-VALUE}.")
    int maxUnfinishedUploads;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "64",
            description = "Open connections one client address may hold; more are closed at once, before "
                    + "the TLS handshake. Raise it for many stations behind one NAT. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerAddress;

    @Option(names = "--min-body-rate", paramLabel = "BYTES_PER_SECOND", defaultValue = "4096",
            description = "Slowest request body accepted, averaged over 30 s; a slower one is answered "
                    + "408 BODY_TOO_SLOW and its connection closed. 0 turns the check off. Default: ${DEFAULT-VALUE}.")
    long minBodyRate;

    @Option(names = "--upload-expiry", paramLabel = "DURATION", defaultValue = "PT24H",
            description = "How long an unfinished upload lives after its last chunk (ISO-8601). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration uploadExpiry;

    @Option(names = "--expired-upload-retention", paramLabel = "DURATION", defaultValue = "PT24H",
            description = "How long the record of an expired upload (its bytes are gone) answers 410 Gone before it is "
                    + "deleted (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration expiredUploadRetention;

    @Option(names = "--rejected-upload-retention", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "How long a rejected upload's bytes and problem are kept after the upload expiry following "
                    + "its last byte (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration rejectedUploadRetention;

    @Option(names = "--accepted-upload-retention", paramLabel = "DURATION", defaultValue = "PT0S",
            description = "How long an accepted upload's own copy of the envelope is kept after the upload expiry "
                    + "following its last byte; the archive keeps the envelope (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration acceptedUploadRetention;

    @Option(names = "--retention-interval", paramLabel = "DURATION", defaultValue = "PT1M",
            description = "How often the upload retention policy runs (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration retentionInterval;
    @Option(names = "--suites", paramLabel = "IDS", split = ",", defaultValue = "1,2",
            description = "Envelope suites to accept, comma-separated: 1 (P-256, AES-256-GCM, SHA-256) and/or "
                    + "2 (SM2, SM4-GCM, SM3). The trust bundle lists them; envelopes of another suite are refused "
                    + "with 422 SUITE_NOT_ACCEPTED. Default: ${DEFAULT-VALUE}.")
    List<Integer> suites;

    @Option(names = "--code-suite", paramLabel = "ID", defaultValue = "1",
            description = "Suite of the collection codes the registry issues: 1 (ECDSA P-256 signature, identity "
                    + "sealed with P-256 and AES-256-GCM) or 2 (SM2 signature, identity sealed with SM2 and SM4-GCM); "
                    + "one of --suites. Default: ${DEFAULT-VALUE}.")
    int codeSuite;

    @Override
    public Integer call() throws Exception {
        FaultPlan plan = faults == null ? FaultPlan.NONE : readPlan(faults);
        MockRegistryConfig config = MockRegistryConfig.builder()
                .port(port)
                .bindAddress(bind)
                .dataDir(dataDir)
                .tls(!mode.plain)
                .tlsEngine(tlsEngine)
                .seed(seed)
                .faultPlan(plan)
                .maxUploadSize(maxUploadSize)
                .maxUnfinishedUploadsPerStation(maxUnfinishedUploads)
                .maxConnectionsPerAddress(maxConnectionsPerAddress)
                .minBodyRate(minBodyRate)
                .uploadExpiry(uploadExpiry)
                .uploadRetention(new UploadRetention(expiredUploadRetention, rejectedUploadRetention,
                        acceptedUploadRetention))
                .expiryCheckInterval(retentionInterval)
                .acceptedSuites(Set.copyOf(suites))
                .codeSuite(codeSuite)
                .keysDir(keysDir)
                .sharedStorage(sharedStorage())
                .build();
        MockRegistry registry;
        try {
            registry = MockRegistry.start(config);
        } catch (InvalidFaultPlanException e) {
            throw new IllegalArgumentException("--faults " + faults + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "codebound-shutdown"));
        printBanner(new PrintWriter(System.out, true), registry);
        stopped.await();
        return 0;
    }

    /**
     * What the server prints once it listens: where its files are, the CA fingerprint station
     * operators compare with what {@code codebound-agent init} shows them, the fault plan, and the
     * {@link #LISTENING} line, last.
     */
    static void printBanner(PrintWriter out, MockRegistry registry) {
        MockRegistryConfig config = registry.config();
        Path dataDir = config.dataDir();
        if (registry.createdKeys()) {
            out.println("Created the registry keyring in " + config.keysDir().toAbsolutePath());
        }
        config.sharedStorage().ifPresent(shared -> out.println("Shared stores: database " + shared.jdbcUrl()
                + ", objects in " + shared.objects().describe()
                + (shared.objects() instanceof ObjectStoreLocation.S3Bucket ? ", checked writable" : "")));
        out.println("Registry CA certificate: " + registry.caCertificateFile());
        out.println(FINGERPRINT + Certificates.displayFingerprint(registry.keyring().authority().certificate()));
        out.println("  publish it to station operators: 'codebound-agent init' shows theirs to compare "
                + "(also served in GET /health)");
        out.println("Trust bundle: " + (config.sharedStorage().isPresent() ? "in the shared database"
                : dataDir.toAbsolutePath().resolve("registry").resolve("trust-bundle.json"))
                + " (also served at /registry/v1/trust-bundle)");
        if (config.tls()) {
            out.println("TLS 1.3 by " + TlsEngine.describe(registry.tlsProvider().orElseThrow()));
        }
        out.println("Envelope cryptography (P-256, AES-GCM, SHA-256) by " + Providers.describeEngine());
        out.println("Admin token file: " + dataDir.toAbsolutePath().resolve("admin-token")
                + (config.tls() ? "" : " (plain mode: it opens only the admin web page)"));
        if (!config.tls()) {
            out.println("PLAIN MODE (development): no TLS; stations identify with the Codebound-Dev-Station header");
        }
        out.println("Admin web page (from this machine only): " + registry.baseUri() + AdminUiRoutes.PREFIX);
        FaultPlan used = registry.faults().plan();
        out.println(used.rules().isEmpty()
                ? "Fault injection: no rules (seed " + used.seed() + "); PUT /admin/faults to add some"
                : "Fault injection: " + used.rules().size() + " rule(s), seed " + used.seed() + "; plan: "
                        + new String(used.toJson(), StandardCharsets.UTF_8));
        out.println(String.format(LISTENING, registry.baseUri()));
    }

    /**
     * The shared storage the options name, or null for the embedded stores: a database and one object
     * store, a directory ({@code --objects}) or an S3 bucket ({@code --s3-*}). A bad combination is a
     * usage error.
     */
    private SharedStorageSettings sharedStorage() {
        if (postgresUrl == null) {
            if (objects != null || s3.given() || postgresPasswordFile != null || postgresPoolSize != null
                    || postgresLockSessions != null) {
                throw new IllegalArgumentException("--objects, --s3-*, --postgres-password-file, --postgres-pool-size "
                        + "and --postgres-lock-sessions go with --postgres-url: the shared stores are a database "
                        + "and an object store together");
            }
            return null;
        }
        if (objects != null && s3.given()) {
            throw new IllegalArgumentException("--objects and --s3-* name two object stores; give one: --objects DIR "
                    + "for a directory every node mounts, or --s3-bucket (with --s3-endpoint, --s3-region, "
                    + "--s3-credentials) for an S3-compatible bucket");
        }
        if (objects == null && !s3.given()) {
            throw new IllegalArgumentException("--postgres-url needs --objects DIR or --s3-bucket NAME: upload bytes "
                    + "and envelopes live in the object store the nodes share");
        }
        ObjectStoreLocation location = objects != null ? new ObjectStoreLocation.Directory(objects)
                : new ObjectStoreLocation.S3Bucket(s3.settings(environment).orElseThrow());
        String password = postgresPasswordFile != null
                ? SharedStorageSettings.readPassword(postgresPasswordFile)
                : environment.get(SharedStorageSettings.PASSWORD_VARIABLE);
        DatabasePools pools = new DatabasePools(
                postgresPoolSize != null ? postgresPoolSize : DatabasePools.DEFAULT.transactions(),
                postgresLockSessions != null ? postgresLockSessions : DatabasePools.DEFAULT.lockSessions(),
                DatabasePools.DEFAULT.connectionWait());
        return new SharedStorageSettings(postgresUrl, postgresUser, password, location,
                SharedStorageSettings.DEFAULT_REFRESH_INTERVAL, pools);
    }

    /** Reads a {@code --faults} file; an unreadable file or a bad plan is a usage error (exit code 2). */
    private static FaultPlan readPlan(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --faults " + file + ": " + e, e);
        }
        try {
            return FaultPlan.fromJson(json);
        } catch (InvalidFaultPlanException e) {
            throw new IllegalArgumentException("--faults " + file + ": " + e.getMessage(), e);
        }
    }

    /** The command line of the process: the server, and {@code admin} reading the process's environment. */
    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * The server's command line with its exit-code mapping (2 for usage errors, 1 for failures),
     * and the {@code admin} subcommand, which reads {@code environment} and reports as
     * {@link AdminCli} says; the server reads its S3 credentials there when no file is named.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine line = new CommandLine(new MockRegistryMain(environment))
                .addSubcommand(new CommandLine(new AdminCommand(environment)));
        line.setExecutionExceptionHandler((exception, cmd, parsed) -> {
            if (AdminCli.runs(parsed)) {
                return AdminCli.failed(exception, cmd, parsed);
            }
            cmd.getErr().println("error: " + exception.getMessage());
            return exception instanceof IllegalArgumentException ? 2 : 1;
        });
        CommandLine.IParameterExceptionHandler usage = line.getParameterExceptionHandler();
        line.setParameterExceptionHandler((failure, args) -> AdminCli.within(failure.getCommandLine())
                ? AdminCli.misused(failure, args) : usage.handleParseException(failure, args));
        return line;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@code --tls-engine} in lower case, as documented. */
    static final class TlsEngineConverter implements CommandLine.ITypeConverter<TlsEngine> {
        @Override
        public TlsEngine convert(String value) {
            for (TlsEngine engine : TlsEngine.values()) {
                if (engine.name().equalsIgnoreCase(value)) {
                    return engine;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a TLS engine; use auto, openssl or jdk");
        }
    }
}
