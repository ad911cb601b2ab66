package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CodeProof;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.ByteScan;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole flow with distinctive personal data, then a scan of everything both sides wrote or said
 * for that data and for secrets.
 *
 * <p>Scanned: every file under the station home (including the hash-chained transfer log) and the
 * registry's data directory; the output of the audit commands; every log
 * record of both (java.util.logging, the backend of {@link System.Logger}, captured at level ALL);
 * everything written to System.out and System.err meanwhile; the stdout and stderr of every
 * command; the request journal, the metrics and the code's admin record.
 *
 * <p>Looked for: the student's name (raw UTF-8 and JSON-escaped), ID number and student number;
 * the code text; the key passphrase; the enrollment token; the admin token; the station's private
 * key (its PEM body, its PKCS#8 encoding and its scalar, in base64 and hex) and the registry's
 * private keys (their PEM bodies). The masked name ({@code 欧*}) is allowed.
 *
 * <p>Allowed, and nowhere else: the code text in the registry's record of the code it issued
 * ({@code registry/codes/<id>.json} and its admin answer {@code GET /admin/v1/codes/{id}}), and the
 * code's keys in that record only; a private key's PEM body in its own key file; the admin token in
 * {@code admin-token}. Sealed envelopes (format 2: a code proof, not the code) are scanned like
 * everything else, and code records for everything else.
 */
class PrivacyScanTest {
    static final String NAME = "欧阳娜娜";
    static final String STUDENT_NUMBER = "PRIV20279731Q";
    static final String ID_NUMBER = idNumber("11010820050317481");
    static final String PASSPHRASE = "privacy scan passphrase Vq8kR2zT";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    static String idNumber(String first17) {
        return first17 + StudentIdentity.idNumberCheckCharacter(first17);
    }

    @Test
    void personalDataAndSecretsAppearNowhereButWhereTheyMust() throws Exception {
        assertEquals(NAME, new StudentIdentity(STUDENT_NUMBER, NAME, ID_NUMBER).name(), "a valid identity");
        List<String> said = new ArrayList<>();
        CapturedLogs logs = CapturedLogs.start();
        try {
            Path registryDir = temp.resolve("registry");
            Path home = temp.resolve("station");
            String enrollmentToken;
            IssuedCode code;
            IssuedCode retake;
            String codeRecord;
            // Started and stopped here, over a directory of the test's, so that the scan below reads what the
            // registry left on disk after a graceful stop.
            CodeboundRegistry registry = CodeboundRegistry.builder().dataDir(registryDir).build();
            registry.start();
            try {
                TestStation station = new TestStation(home, Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                        StationKeys.PASSPHRASE_VARIABLE, PASSPHRASE));
                said.add(run(station, "init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                        registry.caCertificateFile().toString(), "--schools", "10337"));
                enrollmentToken = registry.enrollmentToken();
                said.add(run(station, Map.of(EnrollCommand.TOKEN_VARIABLE, enrollmentToken), "enroll"));
                said.add(run(station, "trust", "refresh"));
                Instant now = Instant.now();
                code = registry.issueCode(STUDENT_NUMBER, NAME, ID_NUMBER, 10337, 2027, now.minus(Duration.ofDays(1)),
                        now.plus(Duration.ofDays(30)));
                retake = registry.issueCode(STUDENT_NUMBER, NAME, ID_NUMBER, 10337, 2027, now.minus(Duration.ofDays(1)),
                        now.plus(Duration.ofDays(30)));
                said.add(run(station, "code", "verify", code.text()));
                said.add(run(station, "code", "verify", "--json", code.text()));
                Path photo = temp.resolve("IMG_0001.jpg");
                Files.write(photo, SamplePhotos.good(7));
                said.add(run(station, "capture", "--code", code.text(), photo.toString()));
                // A refused photo: its error names the check, not the student.
                Path bad = temp.resolve("IMG_0002.jpg");
                Files.write(bad, SamplePhotos.bad(SamplePhotos.Defect.WRONG_SIZE, 8));
                CliRun refused = station.run("capture", "--code", code.text(), bad.toString());
                assertNotEquals(ExitCodes.OK, refused.exitCode(), refused::both);
                said.add(refused.both());
                // A retake for a code the registry revokes before the upload: a registry refusal.
                Path second = temp.resolve("IMG_0003.jpg");
                Files.write(second, SamplePhotos.good(9));
                said.add(run(station, "capture", "--code", retake.text(), second.toString(), "--json"));
                registry.revokeCode(retake.codeId());
                CliRun upload = station.run("upload", "--json");
                said.add(upload.both());
                assertEquals(1, JSON.readTree(upload.out()).get("delivered").asInt(), upload::both);
                assertTrue(upload.both().contains("CODE_REVOKED"), upload::both);
                // The hot folder pairing a scan with the next photo (and refusing the one after), then that
                // envelope withdrawn before any upload: the pairing records and the withdrawal name no one.
                Path camera = Files.createDirectories(temp.resolve("camera"));
                RunningCommand watch = RunningCommand.start(station, "watch", camera.toString(), "--code-stdin",
                        "--pair-with-last-code", "--settle", "100", "--poll", "20");
                watch.awaitOut("watching ");
                watch.scan(code.text());
                watch.awaitOut("pairing open");
                Files.write(camera.resolve("IMG_0004.jpg"), SamplePhotos.good(10));
                watch.awaitOut("spooled IMG_0004.jpg");
                Files.write(camera.resolve("IMG_0005.jpg"), SamplePhotos.good(11));
                watch.await(() -> Files.exists(camera.resolve("rejected/IMG_0005.jpg.reason.txt")), "the refusal");
                said.add(watch.stop().both());
                said.add(station.run("status").both());
                said.add(station.run("status", "--json").both());
                String queued = null;
                for (JsonNode entry : JSON.readTree(station.run("status", "--json").out()).get("undelivered")) {
                    if (entry.get("state").asText().equals("QUEUED")) {
                        queued = entry.get("entry").asText();
                    }
                }
                assertNotNull(queued, "the watch's envelope is queued");
                said.add(run(station, "withdraw", queued));
                said.add(station.run("trust", "refresh").both());
                CliRun revoked = station.run("code", "verify", retake.text());
                assertNotEquals(ExitCodes.OK, revoked.exitCode(), revoked::both);
                said.add(revoked.both());
                // The security team's view of the station's hash-chained transfer log.
                said.add(run(station, "audit", "checkpoint"));
                said.add(run(station, "audit", "verify", "--registry", registry.baseUri().toString(), "--json"));
                said.add(run(station, "audit", "show"));
                said.add(run(station, "audit", "export", "--format", "csv"));
                said.add(run(station, "audit", "export"));
                said.add(registry.adminGet("/admin/journal?limit=1000"));
                said.add(registry.adminGet("/metrics"));
                codeRecord = registry.adminGet("/admin/v1/codes/" + code.codeId());
                said.add(registry.adminGet("/admin/v1/codes/" + code.codeId() + "/photos"));
                said.add(registry.adminGet("/admin/v1/stations"));
            } finally {
                registry.stop();
            }

            Map<String, byte[]> secrets = new LinkedHashMap<>();
            secrets.put("name", utf8(NAME));
            secrets.put("name (JSON-escaped)", utf8(jsonEscaped(NAME)));
            secrets.put("name (JSON-escaped, upper case)", utf8(jsonEscaped(NAME).toUpperCase(Locale.ROOT)
                    .replace("\\U", "\\u")));
            secrets.put("ID number", utf8(ID_NUMBER));
            secrets.put("student number", utf8(STUDENT_NUMBER));
            secrets.put("key passphrase", utf8(PASSPHRASE));
            secrets.put("enrollment token", utf8(enrollmentToken));
            secrets.put("admin token", utf8(Files.readString(registryDir.resolve("admin-token")).strip()));
            StationHome station = new StationHome(home);
            PrivateKey key = StationKeys.privateKey(station, PASSPHRASE.toCharArray());
            byte[] scalar = unsigned(((ECPrivateKey) key).getS().toByteArray());
            secrets.put("station key scalar (hex)", utf8(HexFormat.of().formatHex(scalar)));
            secrets.put("station key scalar (HEX)", utf8(HexFormat.of().withUpperCase().formatHex(scalar)));
            secrets.put("station key scalar (base64)", utf8(Base64.getEncoder().encodeToString(scalar)));
            secrets.put("station key scalar (base64url)", utf8(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(scalar)));
            secrets.put("station key scalar (raw)", scalar);
            secrets.put("station key PKCS#8 (base64)", utf8(Base64.getEncoder().encodeToString(key.getEncoded())
                    .substring(0, 60)));
            Map<Path, String> keyFiles = new LinkedHashMap<>();
            keyFiles.put(station.privateKey(), "station key PEM body");
            try (Stream<Path> files = Files.walk(registryDir.resolve("keys"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (Files.readString(file).contains("PRIVATE KEY-----")) {
                        keyFiles.put(file, "registry key PEM body " + file.getFileName());
                    }
                }
            }
            assertTrue(keyFiles.size() >= 4, "the station key and the registry's keys: " + keyFiles.keySet());
            for (Map.Entry<Path, String> keyFile : keyFiles.entrySet()) {
                secrets.put(keyFile.getValue(), utf8(pemBodyLine(keyFile.getKey())));
            }
            CollectionCode decoded = CollectionCode.decode(code.text());
            Map<String, byte[]> codeText = Map.of("code text", utf8(code.text()), "retake code text",
                    utf8(retake.text()), "code key (suite 1, hex)", utf8(HexFormat.of().formatHex(
                            CodeProof.codeKey(Suite.P256_AES256GCM_SHA256, decoded))), "code key (suite 2, hex)",
                    utf8(HexFormat.of().formatHex(CodeProof.codeKey(Suite.SM2_SM4GCM_SM3, decoded))));

            List<String> leaks = new ArrayList<>();
            for (Path root : List.of(home, registryDir)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        byte[] content = Files.readAllBytes(file);
                        String relative = temp.relativize(file).toString();
                        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                            boolean ownKeyFile = secret.getKey().equals(keyFiles.get(file));
                            boolean adminTokenFile = secret.getKey().equals("admin token")
                                    && file.equals(registryDir.resolve("admin-token"));
                            if (!ownKeyFile && !adminTokenFile && ByteScan.contains(content, secret.getValue())) {
                                leaks.add(secret.getKey() + " in " + relative);
                            }
                        }
                        for (Map.Entry<String, byte[]> text : codeText.entrySet()) {
                            if (ByteScan.contains(content, text.getValue()) && !isCodeRecord(registryDir, file)) {
                                leaks.add(text.getKey() + " in " + relative);
                            }
                        }
                        if (!keyFiles.containsKey(file) && ByteScan.contains(content, utf8("PRIVATE KEY-----"))) {
                            leaks.add("a PEM private key in " + relative);
                        }
                    }
                }
            }
            Map<String, String> spoken = new LinkedHashMap<>();
            spoken.put("command output and registry answers", String.join("\n", said));
            spoken.put("log records", logs.text());
            spoken.put("System.out/System.err", logs.console());
            spoken.put("the code's admin record", codeRecord);
            for (Map.Entry<String, String> stream : spoken.entrySet()) {
                byte[] content = utf8(stream.getValue());
                for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                    if (ByteScan.contains(content, secret.getValue())) {
                        leaks.add(secret.getKey() + " in " + stream.getKey());
                    }
                }
                for (Map.Entry<String, byte[]> text : codeText.entrySet()) {
                    boolean textInAdminRecord = stream.getKey().equals("the code's admin record")
                            && text.getKey().endsWith("code text");
                    if (ByteScan.contains(content, text.getValue()) && !textInAdminRecord) {
                        leaks.add(text.getKey() + " in " + stream.getKey());
                    }
                }

                if (ByteScan.contains(content, utf8("PRIVATE KEY-----"))) {
                    leaks.add("a PEM private key in " + stream.getKey());
                }
            }
            assertEquals(List.of(), leaks);
            // Positive controls: the scan does find the code text where it is allowed, so it would find a leak.
            try (Stream<Path> files = Files.walk(registryDir)) {
                assertTrue(files.filter(file -> isCodeRecord(registryDir, file)).anyMatch(file -> {
                    try {
                        return ByteScan.contains(Files.readAllBytes(file), codeText.get("code text"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), "the registry's code record holds the code text");
            }
            assertTrue(String.join("\n", said).contains("\"entries\":[{"), "the journal was read");
            // The scan saw what it should have: the flow ran, logs were captured, the masked name is shown.
            assertTrue(String.join("\n", said).contains("欧*"), "the masked name is what the station shows");
            assertTrue(logs.records() > 0, "log records were captured");
            try (Stream<Path> transferLog = Files.walk(new StationHome(home).log())) {
                assertTrue(transferLog.filter(Files::isRegularFile).count() > 0, "the transfer log was scanned too");
            }
        } finally {
            logs.close();
        }
    }

    /** The registry's record of a code it issued: the one place that keeps the code text. */
    private static boolean isCodeRecord(Path registryDir, Path file) {
        Path parent = file.getParent();
        return parent != null && parent.getFileName().toString().equals("codes")
                && file.startsWith(registryDir.resolve("registry")) && file.toString().endsWith(".json");
    }

    private static String run(TestStation station, String... args) {
        return run(station, Map.of(), args);
    }

    private static String run(TestStation station, Map<String, String> extra, String... args) {
        CliRun run = station.run(extra, "", args);
        assertEquals(ExitCodes.OK, run.exitCode(), run::both);
        return run.both();
    }

    private static String pemBodyLine(Path pem) throws Exception {
        for (String line : Files.readAllLines(pem)) {
            if (!line.startsWith("-----") && !line.contains(":") && line.length() >= 40) {
                return line;
            }
        }
        throw new AssertionError("no PEM body in " + pem);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonEscaped(String text) {
        StringBuilder escaped = new StringBuilder();
        text.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
        return escaped.toString();
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length == 33 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, 33) : bytes;
    }

    /** Every java.util.logging record (level ALL) and everything printed to System.out and System.err. */
    static final class CapturedLogs implements AutoCloseable {
        private final Logger root = Logger.getLogger("");
        private final Level rootLevel = root.getLevel();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream console = new ByteArrayOutputStream();
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private int records;
        private final Handler handler = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                synchronized (text) {
                    records++;
                    text.append(formatter.format(record)).append('\n');
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };

        static CapturedLogs start() {
            CapturedLogs logs = new CapturedLogs();
            logs.handler.setLevel(Level.ALL);
            logs.root.addHandler(logs.handler);
            logs.root.setLevel(Level.ALL);
            System.setOut(new PrintStream(logs.tee(logs.out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(logs.tee(logs.err), true, StandardCharsets.UTF_8));
            return logs;
        }

        private OutputStream tee(PrintStream original) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (console) {
                        console.write(b);
                    }
                    original.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    synchronized (console) {
                        console.write(bytes, offset, length);
                    }
                    original.write(bytes, offset, length);
                }
            };
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        int records() {
            synchronized (text) {
                return records;
            }
        }

        String console() {
            synchronized (console) {
                return console.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(handler);
            root.setLevel(rootLevel);
        }
    }
}
