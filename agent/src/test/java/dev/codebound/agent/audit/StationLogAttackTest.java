package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import dev.codebound.agent.cli.ExitCodes;
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
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.registry.CodeBook;
import dev.codebound.server.registry.Registry;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The attacks of issue 11 on a real station's log, against the real mock registry over loopback:
 * three upload runs of two envelopes each (a checkpoint closes each run), and a second enrolled
 * station whose key the attacker holds. Each attack is performed on a copy of the station home and
 * must make {@code audit verify} exit 9.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StationLogAttackTest {
    static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");

    @TempDir
    static Path dir;
    @RegisterExtension
    static CodeboundRegistry mockRegistry = CodeboundRegistry.builder().plain().build();
    MockRegistry server;
    StationHome home;
    StationCredentials station;
    StationCredentials other;
    final List<String> delivered = new ArrayList<>();

    @BeforeAll
    void threeUploadRuns() throws Exception {
        server = mockRegistry.server();
        Registry registry = server.registry();
        home = new StationHome(dir.resolve("station"));
        station = enroll(registry);
        other = enroll(registry);
        StationTrust trust = new StationTrust(home);
        trust.pin(registry.keyring().authority().certificate());
        TrustBundle bundle = trust.update(registry.trustBundles().current(), "the registry");
        PemFiles.writeCertificates(home.certificate(), List.of(station.certificate()));
        try (TransferLog log = TransferLog.open(home, Clock.systemUTC(), station)) {
            log.keyCreated(TransferLog.keyFingerprint(station.certificate().getPublicKey()));
            log.enrolled(station.stationId(), Certificates.fingerprint(station.certificate()));
            log.trustUpdated(bundle.sequence());
        }
        for (int run = 0; run < 3; run++) {
            try (TransferLog log = TransferLog.open(home, Clock.systemUTC(), station);
                    Spool spool = Spool.open(home.spool(), Clock.systemUTC())) {
                for (int i = 0; i < 2; i++) {
                    seal(registry, bundle, station, log, spool, run * 2 + i);
                }
                UploadConfig config = UploadConfig.builder(HttpUrl.get(server.baseUri().resolve("/files/").toString()))
                        .devStationId(station.stationId()).parallelism(1).build();
                UploadRun done = new Uploader(config, new OkHttpClient(), spool,
                        new UploadRecorder(log, spool, ProgressListener.NONE)).runOnce();
                assertEquals(2, done.delivered(), done.toString());
                Files.createDirectories(home.receipts());
                for (SpoolEntry entry : spool.entries()) {
                    if (!delivered.contains(entry.id())) {
                        delivered.add(entry.id());
                        Files.write(home.receipt(entry.id()), spool.receipt(entry.id()).orElseThrow());
                    }
                }
                // As 'upload' ends: the retention sweep deletes the envelopes whose receipts are archived.
                new RetentionSweep(home, RetentionPolicy.from(StationConfig.load(home, Map.of())), spool,
                        Clock.systemUTC()).run(Instant.now(), log);
            }
        }
    }

    @Test
    void theUntouchedLogPassesOfflineAndAgainstTheRegistry() {
        Cli offline = Cli.run("audit", "verify", "--home", home.root().toString());
        assertEquals(ExitCodes.OK, offline.exitCode(), offline.out());
        Cli online = Cli.run("audit", "verify", "--home", home.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.OK, online.exitCode(), online.out() + online.err());
        assertTrue(online.out().contains("registryEntriesOfStation: 6"), online.out());
        assertTrue(online.out().contains("directoryCertificatesChecked: 1"), online.out());
    }

    /** Issue 11 item 1, exactly as reported. */
    @Test
    void anotherStationsKeyCannotReSignARewrittenLog(@TempDir Path copy) throws Exception {
        StationHome forged = copyOf(copy);
        List<String> lines = LogFiles.read(LogFiles.file(forged)).lines();
        int dropped = indexOfDelivery(lines, delivered.get(2));
        dropDelivery(forged, delivered.get(2));
        List<String> rewritten = new ArrayList<>(lines.subList(0, dropped));
        String prev = Sha256.hex(rewritten.get(dropped - 1).getBytes(StandardCharsets.UTF_8));
        for (String line : lines.subList(dropped + 1, lines.size())) {
            TransferRecord record = RecordParser.parse(line);
            long seq = rewritten.size() + 1;
            Map<String, Object> fields = record.event() == EventType.CHECKPOINT
                    ? StationCheckpoint.sign(other, seq - 1, prev, record.time())
                    : new LinkedHashMap<>(record.fields());
            TransferRecord again = TransferRecord.create(seq, record.time(), record.event(), fields, prev);
            rewritten.add(again.line());
            prev = again.lineHash();
        }
        writeLog(forged, rewritten);
        PemFiles.writeCertificates(LogFiles.certificates(forged).resolve(
                Certificates.fingerprint(other.certificate()) + ".pem"), List.of(other.certificate()));

        Cli offline = Cli.run("audit", "verify", "--home", forged.root().toString());
        assertEquals(ExitCodes.AUDIT_FAILED, offline.exitCode(), offline.out());
        assertTrue(offline.out().contains("checkpoint signer cannot be trusted: certificate "
                + Certificates.fingerprint(other.certificate()) + " (station " + other.stationId()
                + ") is not this station's"), offline.out());
        Cli online = Cli.run("audit", "verify", "--home", forged.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.AUDIT_FAILED, online.exitCode(), online.out() + online.err());
        assertTrue(online.out().contains("is not this station's"), online.out());
    }

    /** Issue 11 item 2: the log cut back to its first upload run's checkpoint, receipts and all. */
    @Test
    void cuttingTheLogBackToAnEarlierCheckpointIsCaughtByTheRegistrysEntries(@TempDir Path copy) throws Exception {
        StationHome cut = copyOf(copy);
        List<String> lines = LogFiles.read(LogFiles.file(cut)).lines();
        int firstRunEnd = indexOfDelivery(lines, delivered.get(2));
        while (RecordParser.parse(lines.get(firstRunEnd - 1)).event() != EventType.CHECKPOINT) {
            firstRunEnd--;
        }
        writeLog(cut, lines.subList(0, firstRunEnd));
        for (String removed : delivered.subList(2, 6)) {
            dropDelivery(cut, removed);
        }

        Cli offline = Cli.run("audit", "verify", "--home", cut.root().toString());
        assertEquals(ExitCodes.OK, offline.exitCode(), "undetectable from the station's files: " + offline.out());
        Cli online = Cli.run("audit", "verify", "--home", cut.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.AUDIT_FAILED, online.exitCode(), online.out() + online.err());
        for (String removed : delivered.subList(2, 6)) {
            assertTrue(online.out().contains("(envelope " + removed + ", accepted "), removed + ": " + online.out());
        }
        for (String kept : delivered.subList(0, 2)) {
            assertFalse(online.out().contains("(envelope " + kept), online.out());
        }
        assertTrue(online.out().contains("has no 'delivered' record in this station's log"), online.out());
    }

    /** The registry's station directory vouches for the pinned certificate, not just the CA. */
    @Test
    void aPinnedCertificateTheRegistryDidNotIssueToTheStationFailsOnlyAgainstTheRegistry(@TempDir Path copy)
            throws Exception {
        StationHome swapped = copyOf(copy);
        X509Certificate sameKeySameId = server.registry().keyring().authority().issue(
                station.certificate().getPublicKey(), station.stationId(), CertificateProfile.STATION,
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(30)), List.of());
        PemFiles.writeCertificates(swapped.certificate(), List.of(sameKeySameId));

        Cli offline = Cli.run("audit", "verify", "--home", swapped.root().toString());
        assertEquals(ExitCodes.OK, offline.exitCode(), "the same key and station id: " + offline.out());
        Cli online = Cli.run("audit", "verify", "--home", swapped.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.AUDIT_FAILED, online.exitCode(), online.out() + online.err());
        assertTrue(online.out().contains("the registry issued station " + station.stationId() + " the certificate "
                + Certificates.fingerprint(station.certificate()) + ", not " + Certificates.fingerprint(sameKeySameId)),
                online.out());
    }

    @Test
    void aCheckpointSignedAfterTheRegistryRevokedTheStationFails(@TempDir Path copy) throws Exception {
        StationCredentials revoked = enroll(server.registry());
        StationHome home = new StationHome(copy.resolve("revoked"));
        StationTrust trust = new StationTrust(home);
        trust.pin(server.registry().keyring().authority().certificate());
        trust.update(server.registry().trustBundles().current(), "the registry");
        PemFiles.writeCertificates(home.certificate(), List.of(revoked.certificate()));
        try (TransferLog log = TransferLog.open(home, Clock.systemUTC(), revoked)) {
            log.trustUpdated(1);
        }
        Instant revokedAt = Instant.now().plusSeconds(1);
        server.registry().stations().revoke(revoked.stationId(), "test", revokedAt);
        try (TransferLog log = TransferLog.open(home, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2)))) {
            log.trustUpdated(2);
            log.checkpoint(revoked);
        }
        Cli online = Cli.run("audit", "verify", "--home", home.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.AUDIT_FAILED, online.exitCode(), online.out() + online.err());
        assertTrue(online.out().contains("record seq 4 (line 4): checkpoint signed at "), online.out());
        assertTrue(online.out().contains("which the registry revoked at " + revokedAt), online.out());
        assertFalse(online.out().contains("record seq 2 (line 2)"), "signed before the revocation: " + online.out());
    }

    private StationCredentials enroll(Registry registry) throws Exception {
        KeyPair key = KeyPairs.generateP256();
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "attack test").token();
        X509Certificate certificate = registry.enrollment().enroll(token, CertificationRequests.create(key, "studio"));
        return new StationCredentials(key.getPrivate(), certificate);
    }

    private void seal(Registry registry, TrustBundle bundle, StationCredentials station, TransferLog log, Spool spool,
            int number) throws Exception {
        Instant now = Instant.now();
        IssuedCode code = registry.codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
        VerifiedCode verified = new CodeVerifier(bundle).verify(code.text(), now);
        log.codeVerified(verified.codeId());
        byte[] photo = SamplePhotos.good(number);
        Path envelope = dir.resolve("envelope-" + number + ".cms");
        try (OutputStream out = Files.newOutputStream(envelope)) {
            EnvelopeSealer.forBundle(station, bundle, now).seal(PhotoSource.of(photo), verified,
                    CaptureMetadata.jpeg(now), out);
        }
        SpoolEntry entry = spool.enqueue(envelope, code.codeId(), station.stationId(), "photo-" + number + ".cms");
        log.captured(entry.id(), code.codeId(), entry.info().length(), Sha256.hex(photo));
    }

    private static int indexOfDelivery(List<String> lines, String entryId) throws Exception {
        for (int i = 0; i < lines.size(); i++) {
            TransferRecord record = RecordParser.parse(lines.get(i));
            if (record.event() == EventType.DELIVERED && record.entryId().orElseThrow().equals(entryId)) {
                return i;
            }
        }
        throw new AssertionError("no delivery of " + entryId);
    }

    /**
     * Deletes an entry's receipt copies, as the attacker does with its record: the archive's, and the
     * spool's while the entry is still there (a settled entry has left it).
     */
    private static void dropDelivery(StationHome station, String entryId) throws Exception {
        Files.delete(station.receipt(entryId));
        try (Spool spool = Spool.open(station.spool(), Clock.systemUTC())) {
            if (spool.entry(entryId).isPresent()) {
                spool.remove(entryId);
            }
        }
    }

    private static void writeLog(StationHome station, List<String> lines) throws Exception {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        Files.writeString(LogFiles.file(station), text, StandardCharsets.UTF_8);
    }

    private StationHome copyOf(Path copy) throws Exception {
        Path to = copy.resolve("station");
        try (var paths = Files.walk(home.root())) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(home.root().relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().endsWith(".lock")) {
                    Files.copy(path, target);
                }
            }
        }
        return new StationHome(to);
    }

    /** The agent's command line, run in-process. */
    record Cli(int exitCode, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var commandLine = AgentCommand.commandLine(new AgentEnvironment(Map.of(),
                    new ByteArrayInputStream(new byte[0]), false));
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int exitCode = commandLine.execute(args);
            return new Cli(exitCode, out.toString(), err.toString());
        }
    }
}
