package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.objects.S3Credentials;
import dev.codebound.server.objects.S3ProxyServer;
import dev.codebound.server.postgres.PostgresServer;
import dev.codebound.server.postgres.SharedStorageSettings;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry with S3 object storage ({@code --s3-*}) under its shared stores, against S3Proxy and
 * PostgreSQL on loopback: it starts over a writable bucket and says so, and refuses to start, with a
 * message that says what to do, when the bucket is missing, the credentials are wrong or absent, or
 * a directory is named as well.
 */
class MockRegistryS3Test {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    @RegisterExtension
    static final S3ProxyServer S3 = S3ProxyServer.perClass();

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {}

    private Outcome run(Map<String, String> environment, String... s3Options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--plain", "--port", "0", "--data-dir",
                dir.resolve("data").toString(), "--postgres-url", POSTGRES.newDatabaseUrl(), "--postgres-user",
                POSTGRES.user()));
        args.addAll(List.of(s3Options));
        StringWriter err = new StringWriter();
        int code = MockRegistryMain.commandLine(environment).setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        return new Outcome(code, err.toString());
    }

    private Map<String, String> rightEnvironment() {
        return Map.of(S3Credentials.ACCESS_KEY_VARIABLE, S3.accessKey(), S3Credentials.SECRET_KEY_VARIABLE,
                S3.secretKey());
    }

    @Test
    void aRegistryOverAWritableBucketStartsAndNamesItInTheBanner() throws Exception {
        String bucket = S3.createBucket();
        SharedStorageSettings shared = new SharedStorageSettings(POSTGRES.newDatabaseUrl(), POSTGRES.user(), null,
                new ObjectStoreLocation.S3Bucket(S3.settings(bucket)), Duration.ofMillis(200));
        MockRegistryConfig config = TestRegistries.plain(dir.resolve("data")).sharedStorage(shared).build();
        try (MockRegistry registry = MockRegistry.start(config)) {
            ObjectStore objects = registry.objectStore().orElseThrow();
            objects.put("uploads/check", new byte[] {1, 2, 3});
            try (InputStream in = objects.open("uploads/check")) {
                assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
            }
            StringWriter text = new StringWriter();
            MockRegistryMain.printBanner(new PrintWriter(text, true), registry);
            assertTrue(text.toString().contains("objects in S3 bucket " + bucket + " at " + S3.endpoint()
                    + ", checked writable"), text.toString());
        }
    }

    @Test
    void aMissingBucketStopsTheStart() throws Exception {
        Outcome outcome = run(rightEnvironment(), "--s3-endpoint", S3.endpoint().toString(), "--s3-bucket",
                "no-such-bucket");
        assertEquals(1, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().startsWith("error: S3 bucket no-such-bucket does not exist at "
                + S3.endpoint()), outcome.err());
    }

    @Test
    void wrongCredentialsStopTheStartWithoutPrintingTheSecret() throws Exception {
        String bucket = S3.createBucket();
        Path credentials = Files.writeString(dir.resolve("credentials"), "[default]\naws_access_key_id = "
                + S3.accessKey() + "\naws_secret_access_key = not-the-secret-at-all\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        Outcome outcome = run(Map.of(), "--s3-endpoint", S3.endpoint().toString(), "--s3-bucket", bucket,
                "--s3-credentials", credentials.toString());
        assertEquals(1, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains("refused the credentials"), outcome.err());
        assertTrue(outcome.err().contains(credentials.toString()), outcome.err());
        assertFalse(outcome.err().contains("not-the-secret-at-all"), outcome.err());
    }

    @Test
    void noCredentialsAreAUsageError() throws Exception {
        Outcome outcome = run(Map.of(), "--s3-endpoint", S3.endpoint().toString(), "--s3-bucket", "photos");
        assertEquals(2, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains("give --s3-credentials FILE or set AWS_ACCESS_KEY_ID"), outcome.err());
    }

    @Test
    void anS3OptionWithoutABucketIsAUsageError() throws Exception {
        Outcome outcome = run(rightEnvironment(), "--s3-endpoint", S3.endpoint().toString());
        assertEquals(2, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains("need --s3-bucket"), outcome.err());
    }

    @Test
    void aDirectoryAndABucketTogetherAreAUsageErrorNamingBoth() throws Exception {
        String bucket = S3.createBucket();
        Outcome outcome = run(rightEnvironment(), "--objects", dir.resolve("objects").toString(), "--s3-endpoint",
                S3.endpoint().toString(), "--s3-bucket", bucket);
        assertEquals(2, outcome.exitCode(), outcome.err());
        assertTrue(outcome.err().contains("--objects and --s3-* name two object stores; give one"), outcome.err());
        assertFalse(Files.exists(dir.resolve("objects")), "nothing was started");
    }

    @Test
    void aBucketWithoutTheDatabaseIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = MockRegistryMain.commandLine(rightEnvironment()).setErr(new PrintWriter(err, true))
                .execute("--plain", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--s3-endpoint",
                        S3.endpoint().toString(), "--s3-bucket", "photos");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("go with --postgres-url"), err.toString());
    }
}
