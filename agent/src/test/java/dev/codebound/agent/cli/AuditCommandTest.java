package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.MockRegistry;
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
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station's real day against the real mock registry (plain HTTP on loopback): enroll, seal and
 * upload three envelopes with the agent's uploader (one for a code revoked meanwhile), log every step,
 * then audit the station's files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditCommandTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");

    @TempDir
    static Path dir;
    @RegisterExtension
    static CodeboundRegistry mockRegistry = CodeboundRegistry.builder().plain().build();
    MockRegistry server;
    StationHome home;
    List<String> entries = new ArrayList<>();
    /**
     * The registry checkpoints the delivered receipts carry: one per acceptance batch, so one or two for
     * the two deliveries, as the two parallel uploads happened to meet in a batch or not.
     */
    long registryCheckpoints;

    @BeforeAll
    void aDayAtTheStation() throws Exception {
        server = mockRegistry.server();
        Registry registry = server.registry();
        home = new StationHome(dir.resolve("station"));
        Clock clock = Clock.systemUTC();

        KeyPair key = KeyPairs.generateP256();
        try (TransferLog log = TransferLog.open(home, clock)) {
            log.keyCreated(TransferLog.keyFingerprint(key.getPublic()));
        }
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "audit test").token();
        X509Certificate certificate = registry.enrollment().enroll(token, CertificationRequests.create(key, "studio"));
        StationCredentials station = new StationCredentials(key.getPrivate(), certificate);
        StationTrust trust = new StationTrust(home);
        trust.pin(registry.keyring().authority().certificate());
        TrustBundle bundle = trust.update(registry.trustBundles().current(), "the registry");
        PemFiles.writeCertificates(home.certificate(), List.of(certificate));
        PemFiles.writePrivateKey(home.privateKey(), key.getPrivate(), null);

        try (TransferLog log = TransferLog.open(home, clock, station);
                Spool spool = Spool.open(home.spool(), clock)) {
            log.enrolled(station.stationId(), Certificates.fingerprint(certificate));
            log.trustUpdated(bundle.sequence());
            for (int i = 0; i < 3; i++) {
                Instant now = Instant.now();
                IssuedCode code = registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027,
                        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
                VerifiedCode verified = new CodeVerifier(bundle).verify(code.text(), now);
                log.codeVerified(verified.codeId());
                byte[] photo = SamplePhotos.good(i);
                Path envelope = dir.resolve("envelope-" + i + ".cms");
                try (OutputStream out = Files.newOutputStream(envelope)) {
                    EnvelopeSealer.forBundle(station, bundle, now).seal(PhotoSource.of(photo), verified,
                            CaptureMetadata.jpeg(now), out);
                }
                SpoolEntry entry = spool.enqueue(envelope, code.codeId(), station.stationId(), "photo-" + i + ".cms");
                log.captured(entry.id(), code.codeId(), entry.info().length(), sha256(photo));
                entries.add(entry.id());
                if (i == 2) {
                    registry.codes().revoke(code.codeId());
                }
            }
            UploadConfig config = UploadConfig.builder(HttpUrl.get(server.baseUri().resolve("/files/").toString()))
                    .devStationId(station.stationId()).parallelism(2).build();
            UploadRun run = new Uploader(config, new OkHttpClient(), spool,
                    new UploadRecorder(log, spool, ProgressListener.NONE)).runOnce();
            assertEquals(2, run.delivered(), run.toString());
            assertEquals(1, run.rejected(), run.toString());
            Files.createDirectories(home.receipts());
            for (String id : entries.subList(0, 2)) {
                Files.write(home.receipts().resolve(id + ".json"), spool.receipt(id).orElseThrow());
            }
            registryCheckpoints = entries.subList(0, 2).stream()
                    .map(id -> ReceiptCodec.verify(spool.receipt(id).orElseThrow(), bundle, id).log().orElseThrow()
                            .checkpoint())
                    .distinct().count();
            // As 'upload' ends: the retention sweep deletes the envelopes whose receipts are archived.
            new RetentionSweep(home, RetentionPolicy.from(StationConfig.load(home, Map.of())), spool, clock)
                    .run(Instant.now(), log);
        }
    }

    @Test
    void verifyPassesAgainstTheLiveRegistry() {
        CliRun run = CliRun.of("audit", "verify", "--home", home.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("audit: OK"), run.out());
        // The sweep let both delivered entries leave the spool: the archive holds their receipts.
        assertTrue(run.out().contains("receipts: 2"), "the archive's copies of two receipts: " + run.out());
        assertTrue(run.out().contains("registryCheckpointsChecked: " + registryCheckpoints), run.out());
        assertTrue(run.out().contains("registryCheckpointsNotChecked: 0"), run.out());

        CliRun json = CliRun.of("audit", "verify", "--home", home.root().toString(), "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json.out() + json.err());
        assertTrue(json.out().startsWith("{\"ok\":true,"), json.out());
    }

    @Test
    void showWithJsonGivesTheTimelineAsRecords() throws Exception {
        CliRun run = CliRun.of("audit", "show", "--home", home.root().toString(), "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::both);
        JsonNode shown = new ObjectMapper().readTree(run.out());
        JsonNode timeline = shown.get("timeline");
        assertEquals(shown.get("records").asInt(), timeline.size(), run.out());
        assertEquals(false, shown.get("verified").asBoolean());
        assertEquals(1, timeline.get(0).get("seq").asLong(), run.out());
        assertEquals("key-created", timeline.get(0).get("event").asText(), run.out());
        JsonNode captured = null;
        for (JsonNode record : timeline) {
            if (record.get("event").asText().equals("captured")) {
                captured = record;
                break;
            }
        }
        assertEquals(entries.get(0), captured.get("fields").get("entryId").asText(), run.out());
        assertTrue(captured.get("description").asText().startsWith("entry " + entries.get(0).substring(0, 12)),
                run.out());
        for (String personal : List.of("张三", "2023001", "11010519491231002X")) {
            assertTrue(!run.out().contains(personal), "personal data in the timeline");
        }
    }

    @Test
    void showListsTheTimelineWithoutPersonalData() {
        CliRun run = CliRun.of("audit", "show", "--home", home.root().toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        for (String expected : List.of("key-created", "enrolled as station", "trust-updated", "code-verified",
                "captured", "upload-started", "delivered: registry log index", "rejected by the registry: CODE_REVOKED",
                "checkpoint over records 1..")) {
            assertTrue(run.out().contains(expected), expected + " missing from:\n" + run.out());
        }
        assertTrue(run.out().contains("entry " + entries.get(0).substring(0, 12)), run.out());
        for (String personal : List.of("张三", "2023001", "11010519491231002X")) {
            assertTrue(!run.out().contains(personal), "personal data in the timeline");
        }
        CliRun none = CliRun.of("audit", "show", "--home", home.root().toString(), "--until", "2000-01-01");
        assertTrue(none.out().contains(": 0 records"), none.out());
    }

    @Test
    void exportWritesJsonLinesAsStoredAndCsv() throws Exception {
        Path log = home.log().resolve("transfer-log.jsonl");
        CliRun jsonl = CliRun.of("audit", "export", "--home", home.root().toString());
        assertEquals(ExitCodes.OK, jsonl.exitCode(), jsonl.err());
        assertTrue(Files.readString(log).startsWith(jsonl.out()), "a prefix of the log as stored");

        Path csv = dir.resolve("export.csv");
        CliRun run = CliRun.of("audit", "export", "--home", home.root().toString(), "--format", "csv",
                "--since", "2000-01-01T00:00:00Z", "--out", csv.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(csv);
        assertTrue(rows.get(0).startsWith("seq,time,event,entryId,codeId,photoSha256,envelopeLength,"), rows.get(0));
        assertTrue(rows.get(0).endsWith(",prev,hash"), rows.get(0));
        assertTrue(rows.stream().anyMatch(row -> row.contains(",delivered," + entries.get(1) + ",")), rows.toString());

        Path jsonlFile = dir.resolve("export.jsonl");
        CliRun described = CliRun.of("--json", "audit", "export", "--home", home.root().toString(), "--out",
                jsonlFile.toString());
        assertEquals(ExitCodes.OK, described.exitCode(), described::both);
        JsonNode result = new ObjectMapper().readTree(described.out());
        assertEquals(jsonlFile.toAbsolutePath().toString(), result.get("out").asText(), described.out());
        assertEquals("jsonl", result.get("format").asText(), described.out());
        assertEquals(Files.readAllLines(jsonlFile).size(), result.get("records").asInt(), described.out());
        assertEquals(1, result.get("firstSeq").asLong(), described.out());
        CliRun mixed = CliRun.of("audit", "export", "--home", home.root().toString(), "--json");
        assertEquals(ExitCodes.USAGE, mixed.exitCode(), mixed::both);
        assertTrue(mixed.out().contains("without --out the export itself is on standard output"), mixed::both);

        assertEquals(ExitCodes.USAGE, CliRun.of("audit", "export", "--home", home.root().toString(), "--format",
                "xml").exitCode());
        assertEquals(ExitCodes.USAGE, CliRun.of("audit", "export", "--home", home.root().toString(), "--since",
                "yesterday").exitCode());
    }

    @Test
    void aCheckpointOnDemandIsWhatTheSecurityTeamKeeps() throws Exception {
        Path kept = dir.resolve("kept-checkpoint.jsonl");
        CliRun run = CliRun.of("audit", "checkpoint", "--home", home.root().toString(), "--out", kept.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"event\":\"checkpoint\""), run.out());
        CliRun verify = CliRun.of("audit", "verify", "--home", home.root().toString(), "--expect-checkpoint",
                kept.toString());
        assertEquals(ExitCodes.OK, verify.exitCode(), verify.out());
        assertTrue(verify.out().contains("expectedCheckpointSeq"), verify.out());

        CliRun json = CliRun.of("audit", "checkpoint", "--home", home.root().toString(), "--json");
        assertEquals(ExitCodes.OK, json.exitCode(), json::both);
        JsonNode checkpoint = new ObjectMapper().readTree(json.out());
        assertEquals(checkpoint.get("seq").asLong() - 1, checkpoint.get("coversRecords").asLong(), json.out());
        JsonNode line = new ObjectMapper().readTree(checkpoint.get("line").asText());
        assertEquals("checkpoint", line.get("event").asText(), json.out());
        assertEquals(checkpoint.get("seq").asLong(), line.get("seq").asLong(), json.out());
        assertTrue(checkpoint.get("out").isNull(), json.out());
    }

    @Test
    void aReplacedReceiptFailsWithExitNineAndMissingStationFilesWithThree(@TempDir Path copy) throws Exception {
        Path station = copy.resolve("station");
        copyTree(home.root(), station);
        Path receipt = station.resolve("receipts").resolve(entries.get(0) + ".json");
        Files.writeString(receipt, Files.readString(receipt).replace("\"signature\"", "\"signature\" "));
        CliRun run = CliRun.of("audit", "verify", "--home", station.toString());
        assertEquals(ExitCodes.AUDIT_FAILED, run.exitCode(), run.out());
        assertTrue(run.out().contains("the receipt was replaced"), run.out());

        CliRun empty = CliRun.of("audit", "verify", "--home", copy.resolve("nothing").toString());
        assertEquals(ExitCodes.STATION, empty.exitCode());
        assertTrue(empty.err().contains("no station home at"), empty.err());

        Files.delete(station.resolve("registry-ca.pem"));
        assertEquals(ExitCodes.STATION, CliRun.of("audit", "verify", "--home", station.toString()).exitCode());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().endsWith(".lock")) {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
