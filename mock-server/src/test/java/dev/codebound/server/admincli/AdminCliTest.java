package dev.codebound.server.admincli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryMain;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TlsClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codebound-mock-server admin ...} end to end over loopback against a real registry in TLS
 * mode (and one in plain mode): every subcommand, the token and trust rules, the error exit codes
 * and their JSON form.
 */
class AdminCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Made-up students whose ID numbers carry valid check characters. */
    private static final String STUDENTS = """
            student_number,name,id_number,school_code,cohort
            2023001002,李四,110105200001010016,10337,2027
            2023001003,王五,110105200102020029,10337,2027
            """;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path plainDir;

    private static MockRegistry registry;
    private static MockRegistry plain;
    private static List<String> tls;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        registry = MockRegistry.start(TestRegistries.plain(dataDir).tls(true).build());
        plain = TestRegistries.startPlain(plainDir);
        tls = List.of("--registry", registry.baseUri().toString(), "--ca", registry.caCertificateFile().toString(),
                "--token-file", dataDir.resolve("admin-token").toString());
    }

    @AfterAll
    static void stop() {
        registry.close();
        plain.close();
    }

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @Test
    void issuesOneCodeAndWritesItsQrImage() throws Exception {
        Path qr = work.resolve("code.png");
        Run run = admin(Map.of(), "codes", "issue", "--student-number", "2023001001", "--name", "张三",
                "--id-number", "11010519491231002X", "--school-code", "10337", "--cohort", "2027", "--qr",
                qr.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode code = run.json();
        assertEquals(code.path("text").asText(), QrCodes.read(Files.readAllBytes(qr)));
        assertFalse(code.has("qrPngBase64"), "the image went to the file, not into the output");
        assertEquals(qr.toString(), code.path("qrFile").asText());

        Run again = admin(Map.of(), "codes", "issue", "--student-number", "2023001001", "--name", "张三",
                "--id-number", "11010519491231002X", "--school-code", "10337", "--cohort", "2027", "--qr", qr.toString());
        assertEquals(AdminExitCodes.INPUT, again.exitCode());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void issuesABatchWithAQrImagePerStudent() throws Exception {
        Path csv = Files.writeString(work.resolve("students.csv"), STUDENTS);
        Path qrDir = work.resolve("qr");

        Run run = admin(Map.of(), "codes", "batch", csv.toString(), "--qr-dir", qrDir.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode codes = run.json().path("codes");
        assertEquals(2, codes.size());
        for (JsonNode code : codes) {
            Path file = qrDir.resolve(code.path("studentNumber").asText() + ".png");
            String text = QrCodes.read(Files.readAllBytes(file));
            assertEquals(code.path("codeId").asText(), registry.registry().codes().all().stream()
                    .filter(record -> record.text().equals(text)).findFirst().orElseThrow().codeId());
        }
    }

    @Test
    void aBadStudentListNamesTheLineAndColumnAndIssuesNothing() throws Exception {
        int before = registry.registry().codes().all().size();
        Path csv = Files.writeString(work.resolve("bad.csv"), """
                student_number,name,id_number,school_code,cohort
                2023001002,李四,110105200001010016,10337,2027
                2023001003,王五,110105200102020028,10337,2027
                2023001004,赵六,110105200102020029,10337
                2023001005,钱七,110105200102020029,school,2027
                """);

        Run run = admin(Map.of(), "codes", "batch", csv.toString(), "--qr-dir", work.resolve("qr").toString());

        assertEquals(AdminExitCodes.INPUT, run.exitCode());
        assertTrue(run.err().contains(csv + ":3, column 3 (id_number): ID number check digit is wrong"), run.err());
        assertTrue(run.err().contains(csv + ":4: 4 field(s) where the header has 5"), run.err());
        assertTrue(run.err().contains(csv + ":5, column 4 (school_code): 'school' is not a whole number"), run.err());
        assertEquals(before, registry.registry().codes().all().size(), "nothing was issued");
        assertFalse(Files.exists(work.resolve("qr")));
    }

    @Test
    void aBadHeaderIsNamedToo() throws Exception {
        Path csv = Files.writeString(work.resolve("header.csv"), "student_number,name,id,school_code,cohort\n");

        Run run = admin(Map.of(), "codes", "batch", csv.toString(), "--qr-dir", work.toString(), "--json");

        assertEquals(AdminExitCodes.INPUT, run.exitCode());
        JsonNode error = run.json().path("error");
        assertEquals("input", error.path("kind").asText());
        assertTrue(error.path("message").asText().startsWith(csv + ":1, column 3: unknown column 'id'"),
                error.toString());
    }

    @Test
    void listsAndRevokesCodes() throws Exception {
        Run issued = admin(Map.of(), "codes", "issue", "--student-number", "2023001009", "--name", "孙八",
                "--id-number", "110105200001010016", "--school-code", "10337", "--cohort", "2027", "--json");
        String codeId = issued.json().path("codeId").asText();

        Run revoked = admin(Map.of(), "codes", "revoke", codeId, "--json");
        Run listed = admin(Map.of(), "codes", "list");
        Run listedJson = admin(Map.of(), "codes", "list", "--json");

        assertEquals(0, revoked.exitCode(), revoked.err());
        assertEquals(codeId, revoked.json().path("code").path("codeId").asText());
        assertTrue(listed.out().lines().anyMatch(line -> line.startsWith(codeId) && line.contains("revoked ")),
                listed.out());
        assertTrue(listedJson.json().path("codes").findValuesAsText("codeId").contains(codeId));
        Run unknown = admin(Map.of(), "codes", "revoke", "AAAAAAAAAAAAAAAA");
        assertEquals(AdminExitCodes.REFUSED, unknown.exitCode());
        assertTrue(unknown.err().contains("404 CODE_UNKNOWN"), unknown.err());
    }

    @Test
    void makesEnrollmentTokensAndListsAndRevokesStations() throws Exception {
        Run token = admin(Map.of(), "enrollment-token", "--validity", "PT1H", "--note", "studio 7", "--json");
        assertEquals(0, token.exitCode(), token.err());
        assertTrue(token.json().path("token").asText().length() >= 20);
        registry.registry().stations().add(TlsClients.station(registry.keyring(), "station-cli").certificate(),
                Instant.now());

        Run listed = admin(Map.of(), "stations", "list");
        Run revoked = admin(Map.of(), "stations", "revoke", "station-cli", "--note", "stolen laptop", "--json");
        Run relisted = admin(Map.of(), "stations", "list", "--json");

        assertTrue(listed.out().lines().anyMatch(line -> line.startsWith("station-cli") && line.endsWith("active")),
                listed.out());
        assertEquals("stolen laptop", revoked.json().path("station").path("revocationNote").asText());
        assertFalse(relisted.json().path("stations").get(0).path("revokedAt").isNull());
        assertEquals(AdminExitCodes.USAGE, admin(Map.of(), "stations", "revoke", "..").exitCode(),
                "an id that would change the path is refused before anything is sent");
    }

    @Test
    void theFaultPlanSurvivesGetAndPutWithItsSeed() throws Exception {
        Path plan = Files.writeString(work.resolve("plan.json"), """
                {"seed": "9007199254740993", "rules": [{"route": "*", "script": [100000],
                  "action": {"type": "status", "status": 503}}]}
                """);
        assertEquals(0, admin(Map.of(), "faults", "put", plan.toString()).exitCode());

        Run got = admin(Map.of(), "faults", "get");
        Path saved = Files.writeString(work.resolve("saved.json"), got.out());
        assertEquals(0, admin(Map.of(), "faults", "clear").exitCode());
        Run put = admin(Map.of(), "faults", "put", saved.toString(), "--json");

        assertEquals(0, put.exitCode(), put.err());
        assertEquals("9007199254740993", put.json().path("seed").asText());
        assertEquals(9007199254740993L, registry.faults().plan().seed());
        assertEquals(1, registry.faults().plan().rules().size());
        Run cleared = admin(Map.of(), "faults", "clear", "--json");
        assertEquals(0, cleared.json().path("plan").path("rules").size());
    }

    @Test
    void aPlanThatIsNotJsonIsNamedWithItsLineAndAnInvalidOneWithTheRegistrysReason() throws Exception {
        Path broken = Files.writeString(work.resolve("broken.json"), "{\n  \"rules\": [,]\n}\n");
        Path invalid = Files.writeString(work.resolve("invalid.json"), "{\"rules\": [{\"route\": \"GET /nowhere\","
                + " \"on\": [1], \"action\": {\"status\": 503}}]}");

        Run notJson = admin(Map.of(), "faults", "put", broken.toString());
        Run refused = admin(Map.of(), "faults", "put", invalid.toString());

        assertEquals(AdminExitCodes.INPUT, notJson.exitCode());
        assertTrue(notJson.err().contains("not JSON (line 2, column"), notJson.err());
        assertEquals(AdminExitCodes.REFUSED, refused.exitCode());
        assertTrue(refused.err().contains("INVALID_FAULT_PLAN"), refused.err());
    }

    @Test
    void theJournalShowsRequestsOldestFirstAndFollowPrintsNewOnes() throws Exception {
        get("/health");
        Run journal = admin(Map.of(), "journal", "--limit", "5", "--json");
        List<Long> sequences = journal.json().path("entries").findValues("sequence").stream()
                .map(JsonNode::asLong).toList();
        assertEquals(sequences.stream().sorted().toList(), sequences, "oldest first");

        StringWriter out = new StringWriter();
        Thread follower = new Thread(() -> run(new PrintWriter(out, true), new PrintWriter(new StringWriter()),
                Map.of(), Stream.concat(Stream.of("admin", "journal"), Stream.concat(tls.stream(),
                        Stream.of("--limit", "1", "--follow", "--interval", "PT0.1S"))).toArray(String[]::new)));
        follower.start();
        try {
            get("/registry/v1/trust-bundle");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!outText(out).contains("/registry/v1/trust-bundle") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            follower.interrupt();
            follower.join(10_000);
        }
        assertTrue(outText(out).contains("GET     /registry/v1/trust-bundle"), outText(out));
        assertFalse(outText(out).contains("/admin/journal"), "the follower's own polls are not shown");
        assertFalse(follower.isAlive());
    }

    @Test
    void showsTheLogCheckpoint() throws Exception {
        Run run = admin(Map.of(), "checkpoint", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(registry.registry().log().latestCheckpoint(), run.json().path("checkpoint").asText());
        assertEquals(0, run.json().path("size").asLong());
    }

    @Test
    void theTokenMayComeFromTheEnvironmentAndTheCaFromItsFingerprint() throws Exception {
        String fingerprint = Certificates.displayFingerprint(registry.keyring().authority().certificate());
        Run run = run(Map.of(RegistryOptions.TOKEN_VARIABLE, registry.adminToken().orElseThrow()), "admin",
                "codes", "list", "--registry", registry.baseUri().toString(), "--ca-fingerprint", fingerprint);

        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void theRegistryOptionsMayComeBeforeTheSubcommandOrAfterIt() throws Exception {
        List<String> line = new ArrayList<>(List.of("admin"));
        line.addAll(tls);
        line.addAll(List.of("--json", "codes", "list"));
        Run before = run(Map.of(), line.toArray(String[]::new));
        Run mixed = run(Map.of(), "admin", "--registry", registry.baseUri().toString(), "codes", "--ca",
                registry.caCertificateFile().toString(), "list", "--token-file",
                dataDir.resolve("admin-token").toString(), "--json");

        assertEquals(0, before.exitCode(), before.err());
        assertEquals(0, mixed.exitCode(), mixed.err());
        assertTrue(before.json().isObject(), before.out());
        assertEquals(before.json(), mixed.json());
    }

    @Test
    void theCaIsGivenOnceNotTwice() throws Exception {
        String fingerprint = Certificates.displayFingerprint(registry.keyring().authority().certificate());
        Run run = run(Map.of(), "admin", "--ca-fingerprint", fingerprint, "codes", "list", "--registry",
                registry.baseUri().toString(), "--ca", registry.caCertificateFile().toString(), "--token-file",
                dataDir.resolve("admin-token").toString());

        assertEquals(AdminExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("not both"), run.err());
    }

    @Test
    void aWrongFingerprintStopsBeforeTheTokenIsSent() throws Exception {
        Run run = run(Map.of(RegistryOptions.TOKEN_VARIABLE, registry.adminToken().orElseThrow()), "admin",
                "codes", "list", "--registry", registry.baseUri().toString(), "--ca-fingerprint", "00".repeat(32));

        assertEquals(AdminExitCodes.UNREACHABLE, run.exitCode());
        assertTrue(run.err().contains("not the --ca-fingerprint given"), run.err());
    }

    @Test
    void aWrongTokenIsExitCodeFourInJsonToo() throws Exception {
        Path wrong = Files.writeString(work.resolve("wrong-token"), "not-the-token\n");

        Run run = run(Map.of(), "admin", "stations", "list", "--registry", registry.baseUri().toString(), "--ca",
                registry.caCertificateFile().toString(), "--token-file", wrong.toString(), "--json");

        assertEquals(AdminExitCodes.UNAUTHORIZED, run.exitCode());
        JsonNode error = run.json().path("error");
        assertEquals(4, error.path("exitCode").asInt());
        assertEquals("unauthorized", error.path("kind").asText());
        assertTrue(error.path("message").asText().contains("ADMIN_TOKEN_REQUIRED"), error.toString());
        assertFalse(run.out().contains("not-the-token"), "the token is never echoed");
    }

    @Test
    void anUnreachableRegistryIsExitCodeSix() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = run(Map.of(), "admin", "codes", "list", "--registry", "http://127.0.0.1:" + port, "--json");

        assertEquals(AdminExitCodes.UNREACHABLE, run.exitCode());
        assertEquals("unreachable", run.json().path("error").path("kind").asText());
    }

    @Test
    void theTokenAndTheCaAreRequiredOverTlsAndPlainHttpOnlyToLoopback() throws Exception {
        Run noToken = run(Map.of(), "admin", "codes", "list", "--registry", registry.baseUri().toString(), "--ca",
                registry.caCertificateFile().toString());
        Run noCa = run(Map.of(), "admin", "codes", "list", "--registry", registry.baseUri().toString(),
                "--token-file", dataDir.resolve("admin-token").toString());
        Run remotePlain = run(Map.of(), "admin", "codes", "list", "--registry", "http://192.0.2.1:8080", "--json");
        Run noSuchOption = run(Map.of(), "admin", "codes", "list", "--token", "x", "--json");

        assertEquals(List.of(2, 2, 2, 2), List.of(noToken.exitCode(), noCa.exitCode(), remotePlain.exitCode(),
                noSuchOption.exitCode()));
        assertTrue(noToken.err().contains("no admin token"), noToken.err());
        assertTrue(noCa.err().contains("needs its CA"), noCa.err());
        assertTrue(remotePlain.json().path("error").path("message").asText().contains("loopback"));
        assertEquals("usage", noSuchOption.json().path("error").path("kind").asText());
    }

    @Test
    void aPlainRegistryOnLoopbackNeedsNoToken() throws Exception {
        Run run = run(Map.of(), "admin", "enrollment-token", "--registry", plain.baseUri().toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("codebound-agent enroll"), run.out());
    }

    private Run admin(Map<String, String> environment, String... args) {
        List<String> line = new ArrayList<>(List.of("admin"));
        line.addAll(List.of(args));
        line.addAll(tls);
        return run(environment, line.toArray(String[]::new));
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, String... args) {
        return MockRegistryMain.commandLine(environment).setOut(out).setErr(err).execute(args);
    }

    private static String outText(StringWriter out) {
        synchronized (out.getBuffer()) {
            return out.toString();
        }
    }

    private static void get(String path) throws Exception {
        HttpClient client = TlsClients.httpClient(TlsClients.context(registry.keyring(), null));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(registry.baseUri() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
    }
}
