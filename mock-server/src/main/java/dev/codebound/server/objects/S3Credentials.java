package dev.codebound.server.objects;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The access key the registry signs its S3 requests with. Read from a credentials file or from the
 * environment, never from the command line (other local users can read a process's arguments), and
 * never printed: {@link #toString()} names only where the key came from.
 *
 * @param accessKeyId     the access key id
 * @param secretAccessKey the secret that signs requests
 * @param sessionToken    a temporary credential's session token, if any
 * @param source          where the key was read, for messages
 */
public record S3Credentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
        String source) {
    /** The environment variables read when no credentials file is given (the AWS tools' own names). */
    public static final String ACCESS_KEY_VARIABLE = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY_VARIABLE = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN_VARIABLE = "AWS_SESSION_TOKEN";
    /** The profile of the credentials file that is read. */
    public static final String PROFILE = "default";

    public S3Credentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(source, "source");
        if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException(source + ": the access key id and the secret access key must not be empty");
        }
    }

    /**
     * Reads the {@code [default]} profile of a file in the AWS tools' credentials format:
     * <pre>
     * [default]
     * aws_access_key_id = ...
     * aws_secret_access_key = ...
     * </pre>
     *
     * @throws IllegalArgumentException if the file cannot be read, lacks a key, or every local user
     *                                  may read it, saying which
     */
    public static S3Credentials fromFile(Path file) {
        String source = "S3 credentials file " + file;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(source + " is not a readable file");
        }
        refuseWorldReadable(file, source);
        ProfileFile profiles;
        try {
            profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
        } catch (RuntimeException e) {
            // The parser's message quotes the offending line, which may hold the secret: say only where.
            throw new IllegalArgumentException(source + " is not in the credentials format ([default] with "
                    + "aws_access_key_id and aws_secret_access_key lines)");
        }
        Profile profile = profiles.profile(PROFILE).orElseThrow(() -> new IllegalArgumentException(
                source + " has no [" + PROFILE + "] profile"));
        String id = profile.property("aws_access_key_id").orElseThrow(() -> new IllegalArgumentException(
                source + " has no aws_access_key_id in [" + PROFILE + "]"));
        String secret = profile.property("aws_secret_access_key").orElseThrow(() -> new IllegalArgumentException(
                source + " has no aws_secret_access_key in [" + PROFILE + "]"));
        return new S3Credentials(id.trim(), secret.trim(),
                profile.property("aws_session_token").map(String::trim), source);
    }

    /**
     * A secret every local user can read is no longer one (as ssh refuses such a private key); a
     * group may read it, for the secret stores that hand files to a service's group.
     */
    private static void refuseWorldReadable(Path file, String source) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException notPosix) {
            return;
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " cannot be read: " + e.getMessage(), e);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException(source + " is readable by every local user; make it private "
                    + "(chmod 600) and replace the key if others may have read it");
        }
    }

    /**
     * Reads {@value #ACCESS_KEY_VARIABLE}, {@value #SECRET_KEY_VARIABLE} and, if set,
     * {@value #SESSION_TOKEN_VARIABLE} from {@code environment}.
     *
     * @throws IllegalArgumentException if either key variable is missing
     */
    public static S3Credentials fromEnvironment(Map<String, String> environment) {
        String id = environment.get(ACCESS_KEY_VARIABLE);
        String secret = environment.get(SECRET_KEY_VARIABLE);
        if (id == null || secret == null) {
            throw new IllegalArgumentException("S3 object storage needs credentials: give --s3-credentials FILE "
                    + "or set " + ACCESS_KEY_VARIABLE + " and " + SECRET_KEY_VARIABLE);
        }
        return new S3Credentials(id, secret, Optional.ofNullable(environment.get(SESSION_TOKEN_VARIABLE)),
                "the environment (" + ACCESS_KEY_VARIABLE + ")");
    }

    /** The credentials as the SDK takes them. */
    AwsCredentials toSdk() {
        return sessionToken.<AwsCredentials>map(token -> AwsSessionCredentials.create(accessKeyId, secretAccessKey,
                token)).orElseGet(() -> AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }

    /** Where the credentials came from; never the key or the secret. */
    @Override
    public String toString() {
        return "S3Credentials[from " + source + "]";
    }
}
