package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.audit.UploadRecorder;
import dev.codebound.agent.retention.RetentionPolicy;
import dev.codebound.agent.retention.RetentionSweep;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.postgres.PostgresServer;
import dev.codebound.server.postgres.SharedStorageSettings;
import dev.codebound.server.registry.CodeBook;
import dev.codebound.server.registry.Registry;
import dev.codebound.testkit.SamplePhotos;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify --registry} against either node of a registry of two nodes over the shared
 * stores (PostgreSQL and an object directory, on loopback, started with {@link CodeboundRegistry}):
 * a station uploads through node A, then once more through node B, and its receipts, their log
 * inclusion and every checkpoint it holds verify against node A and against node B, each proving
 * the station's checkpoints consistent with the newest one, whichever node signed it. The nodes are
 * two {@link CodeboundRegistry} extensions configured with the same keys and shared stores.
 */
class AuditAcrossRegistryNodesTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");
    private static final Pattern CHECKED = Pattern.compile("registryCheckpointsChecked: (\\d+)");

    @TempDir
    Path dir;

    @Test
    void verifyPassesAgainstEitherNode() throws Exception {
        SharedStorageSettings shared = new SharedStorageSettings(POSTGRES.newDatabaseUrl(), POSTGRES.user(), null,
                new ObjectStoreLocation.Directory(dir.resolve("objects")), Duration.ofMillis(200));
        try (CodeboundRegistry nodeA = node(shared); CodeboundRegistry nodeB = node(shared)) {
            StationHome home = new StationHome(dir.resolve("station"));
            Station station = Station.enroll(home, nodeA.server().registry());
            station.upload(nodeA, 2);
            station.upload(nodeB, 1);
            assertEquals(3, nodeB.uploads().size(), "either node lists the uploads both took");

            for (CodeboundRegistry node : List.of(nodeA, nodeB)) {
                CliRun run = CliRun.of("audit", "verify", "--home", home.root().toString(), "--registry",
                        node.baseUri().toString());
                String against = "against " + (node == nodeA ? "node A" : "node B") + ": ";
                assertEquals(ExitCodes.OK, run.exitCode(), against + run.out() + run.err());
                assertTrue(run.out().startsWith("audit: OK"), against + run.out());
                assertTrue(run.out().contains("registryLogSize: 3"), against + run.out());
                assertTrue(run.out().contains("registryCheckpointsNotChecked: 0"), against + run.out());
                Matcher checked = CHECKED.matcher(run.out());
                assertTrue(checked.find() && Integer.parseInt(checked.group(1)) > 0,
                        against + "the node proved the station's checkpoints consistent: " + run.out());
            }
        }
    }

    /** A node over {@code shared} with the registry's one keys directory and a data directory of its own. */
    private CodeboundRegistry node(SharedStorageSettings shared) throws Exception {
        Path keys = dir.resolve("keys");
        return CodeboundRegistry.builder().plain()
                .configure(config -> config.keysDir(keys).sharedStorage(shared))
                .start();
    }

    /** A station enrolled with the registry, logging every step as the agent does. */
    private record Station(StationHome home, Registry registry, StationCredentials credentials,
            TrustBundle bundle, Path envelopes) {
        static Station enroll(StationHome home, Registry registry) throws Exception {
            Clock clock = Clock.systemUTC();
            KeyPair key = KeyPairs.generateP256();
            try (TransferLog log = TransferLog.open(home, clock)) {
                log.keyCreated(TransferLog.keyFingerprint(key.getPublic()));
            }
            String token = registry.enrollment().issueToken(Duration.ofHours(1), "two-node audit").token();
            X509Certificate certificate = registry.enrollment().enroll(token,
                    CertificationRequests.create(key, "studio"));
            StationCredentials credentials = new StationCredentials(key.getPrivate(), certificate);
            StationTrust trust = new StationTrust(home);
            trust.pin(registry.keyring().authority().certificate());
            TrustBundle bundle = trust.update(registry.trustBundles().current(), "the registry");
            PemFiles.writeCertificates(home.certificate(), List.of(certificate));
            PemFiles.writePrivateKey(home.privateKey(), key.getPrivate(), null);
            try (TransferLog log = TransferLog.open(home, clock, credentials)) {
                log.enrolled(credentials.stationId(), Certificates.fingerprint(certificate));
                log.trustUpdated(bundle.sequence());
            }
            return new Station(home, registry, credentials, bundle,
                    Files.createDirectories(home.root().resolve("test-envelopes")));
        }

        /**
         * Seals {@code count} photos and uploads them, one at a time, through {@code node}; archives the
         * receipts and sweeps the spool as {@code upload} does.
         */
        void upload(CodeboundRegistry node, int count) throws Exception {
            Clock clock = Clock.systemUTC();
            try (TransferLog log = TransferLog.open(home, clock, credentials);
                    Spool spool = Spool.open(home.spool(), clock)) {
                List<String> entries = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Instant now = Instant.now();
                    IssuedCode code = registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027,
                            now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
                    VerifiedCode verified = new CodeVerifier(bundle).verify(code.text(), now);
                    log.codeVerified(verified.codeId());
                    byte[] photo = SamplePhotos.good(i);
                    Path envelope = Files.createTempFile(envelopes, "envelope-", ".cms");
                    try (OutputStream out = Files.newOutputStream(envelope)) {
                        EnvelopeSealer.forBundle(credentials, bundle, now).seal(PhotoSource.of(photo), verified,
                                CaptureMetadata.jpeg(now), out);
                    }
                    SpoolEntry entry = spool.enqueue(envelope, code.codeId(), credentials.stationId(),
                            envelope.getFileName().toString());
                    log.captured(entry.id(), code.codeId(), entry.info().length(), sha256(photo));
                    entries.add(entry.id());
                }
                UploadConfig config = UploadConfig.builder(HttpUrl.get(node.baseUri().resolve("/files/").toString()))
                        .devStationId(credentials.stationId()).parallelism(1).build();
                UploadRun run = new Uploader(config, new OkHttpClient(), spool,
                        new UploadRecorder(log, spool, ProgressListener.NONE)).runOnce();
                assertEquals(count, run.delivered(), run.toString());
                Files.createDirectories(home.receipts());
                for (String id : entries) {
                    Files.write(home.receipts().resolve(id + ".json"), spool.receipt(id).orElseThrow());
                }
                // As 'upload' ends: the retention sweep deletes the envelopes whose receipts are archived.
                new RetentionSweep(home, RetentionPolicy.from(StationConfig.load(home, Map.of())), spool, clock)
                        .run(Instant.now(), log);
            }
        }

        private static String sha256(byte[] bytes) throws Exception {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
    }
}
