package dev.codebound.server.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --s3-*} options and the credentials they point at, read and checked. */
class S3SettingsTest {
    private static final Map<String, String> ENVIRONMENT = Map.of(S3Credentials.ACCESS_KEY_VARIABLE, "AKIDENV",
            S3Credentials.SECRET_KEY_VARIABLE, "env-secret-value");

    @TempDir
    Path directory;

    @Test
    void noBucketMeansNoS3Storage() {
        assertEquals(Optional.empty(), S3Settings.fromOptions(null, null, null, null, ENVIRONMENT));
    }

    @Test
    void s3OptionsWithoutABucketAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions("http://127.0.0.1:9000", null, null, null, ENVIRONMENT));
        assertTrue(refused.getMessage().contains("need --s3-bucket"), refused.getMessage());
    }

    @Test
    void theEnvironmentGivesTheCredentialsWhenNoFileIsNamed() {
        S3Settings settings = S3Settings.fromOptions("http://127.0.0.1:9000", "photos", null, null, ENVIRONMENT)
                .orElseThrow();
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), settings.endpoint());
        assertEquals(S3Settings.DEFAULT_REGION, settings.region());
        assertEquals("AKIDENV", settings.credentials().accessKeyId());
        assertEquals("env-secret-value", settings.credentials().secretAccessKey());
        assertFalse(settings.toString().contains("env-secret-value"), settings.toString());
    }

    @Test
    void missingCredentialsSayWhereToPutThem() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", null, null, Map.of()));
        assertTrue(refused.getMessage().contains("--s3-credentials FILE"), refused.getMessage());
        assertTrue(refused.getMessage().contains(S3Credentials.SECRET_KEY_VARIABLE), refused.getMessage());
    }

    @Test
    void aCredentialsFileInTheAwsFormatIsReadAndNeverPrinted() throws IOException {
        Path file = privateFile(directory.resolve("credentials"), """
                [default]
                aws_access_key_id = AKIDFILE
                aws_secret_access_key = file-secret-value
                aws_session_token = file-session-token
                """);
        S3Settings settings = S3Settings.fromOptions(null, "photos", "eu-west-3", file, ENVIRONMENT).orElseThrow();
        assertEquals("AKIDFILE", settings.credentials().accessKeyId());
        assertEquals("file-secret-value", settings.credentials().secretAccessKey());
        assertEquals(Optional.of("file-session-token"), settings.credentials().sessionToken());
        assertEquals("eu-west-3", settings.region());
        assertFalse(settings.toString().contains("file-secret-value"), settings.toString());
        assertFalse(settings.toString().contains("file-session-token"), settings.toString());
        assertEquals("bucket photos at Amazon S3 (eu-west-3)", settings.describe());
    }

    @Test
    void aCredentialsFileEveryLocalUserMayReadIsRefused() throws IOException {
        Path file = Files.writeString(directory.resolve("credentials"),
                "[default]\naws_access_key_id = AKID\naws_secret_access_key = world-readable-secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", null, file, ENVIRONMENT));
        assertTrue(refused.getMessage().contains("readable by every local user"), refused.getMessage());
        assertFalse(refused.getMessage().contains("world-readable-secret"), refused.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("AKID", S3Settings.fromOptions(null, "photos", null, file, ENVIRONMENT).orElseThrow()
                .credentials().accessKeyId());
    }

    @Test
    void anIncompleteOrMissingCredentialsFileSaysWhatIsMissing() throws IOException {
        Path noSecret = privateFile(directory.resolve("no-secret"), "[default]\naws_access_key_id = AKID\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", null, noSecret, ENVIRONMENT));
        assertTrue(refused.getMessage().contains("no aws_secret_access_key"), refused.getMessage());

        Path otherProfile = privateFile(directory.resolve("other"),
                "[backup]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
        refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", null, otherProfile, ENVIRONMENT));
        assertTrue(refused.getMessage().contains("no [default] profile"), refused.getMessage());

        refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", null, directory.resolve("absent"), ENVIRONMENT));
        assertTrue(refused.getMessage().contains("is not a readable file"), refused.getMessage());
    }

    @Test
    void malformedEndpointsBucketsAndRegionsAreRefused() {
        for (String endpoint : new String[] {"127.0.0.1:9000", "ftp://host", "http://key:endpoint-secret@host",
                "http://host/bucket", "http://host?x=1", "not a url"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> S3Settings.fromOptions(endpoint, "photos", null, null, ENVIRONMENT), endpoint);
            assertTrue(refused.getMessage().contains("--s3-endpoint"), refused.getMessage());
            assertFalse(refused.getMessage().contains("endpoint-secret"), refused.getMessage());
        }
        for (String bucket : new String[] {"Photos", "ab", "-photos", "photos_2", "p".repeat(64)}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> S3Settings.fromOptions(null, bucket, null, null, ENVIRONMENT), bucket);
            assertTrue(refused.getMessage().contains("--s3-bucket"), refused.getMessage());
        }
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(null, "photos", "EU West", null, ENVIRONMENT));
        assertTrue(refused.getMessage().contains("--s3-region"), refused.getMessage());
    }

    /** A file only its owner may read, as credentials files must be. */
    static Path privateFile(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
