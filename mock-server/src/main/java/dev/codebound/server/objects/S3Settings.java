package dev.codebound.server.objects;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how the registry reaches its S3-compatible object storage: what the {@code --s3-*}
 * options say, checked, with the time limits every call is bounded by.
 *
 * @param endpoint    the service's URL ({@code http} or {@code https}); empty for Amazon S3's own
 *                    endpoint in {@code region}
 * @param bucket      the bucket, which must exist already: the registry never creates one
 * @param region      the region requests are signed for ({@code us-east-1} where the service has none)
 * @param credentials the access key
 * @param timeouts    the time limits
 */
public record S3Settings(Optional<URI> endpoint, String bucket, String region, S3Credentials credentials,
        Timeouts timeouts) {
    /** The region used when none is given: the one S3-compatible services accept whatever theirs is. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** S3's bucket naming rules (lower case letters, digits, dots and hyphens; 3 to 63 characters). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(timeouts, "timeouts");
        endpoint.ifPresent(S3Settings::checkEndpoint);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("--s3-bucket '" + bucket + "' is not a bucket name: 3 to 63 lower-case "
                    + "letters, digits, dots and hyphens, starting and ending with a letter or digit");
        }
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("--s3-region '" + region + "' is not a region name such as "
                    + DEFAULT_REGION);
        }
    }

    /**
     * The settings the server's options give, or empty when no bucket is given (no S3 storage).
     * Credentials come from {@code credentialsFile} when given, else from {@code environment}.
     *
     * @param endpoint        {@code --s3-endpoint}, or null for Amazon S3
     * @param bucket          {@code --s3-bucket}, or null
     * @param region          {@code --s3-region}, or null for {@value #DEFAULT_REGION}
     * @param credentialsFile {@code --s3-credentials}, or null
     * @param environment     the process's environment
     * @throws IllegalArgumentException if an option is malformed, an S3 option is given without
     *                                  {@code --s3-bucket}, or the credentials cannot be read
     */
    public static Optional<S3Settings> fromOptions(String endpoint, String bucket, String region,
            Path credentialsFile, Map<String, String> environment) {
        if (bucket == null) {
            if (endpoint != null || region != null || credentialsFile != null) {
                throw new IllegalArgumentException("--s3-endpoint, --s3-region and --s3-credentials need --s3-bucket");
            }
            return Optional.empty();
        }
        Optional<URI> uri = Optional.ofNullable(endpoint).map(S3Settings::parseEndpoint);
        S3Credentials credentials = credentialsFile != null ? S3Credentials.fromFile(credentialsFile)
                : S3Credentials.fromEnvironment(environment);
        return Optional.of(new S3Settings(uri, bucket, region == null ? DEFAULT_REGION : region, credentials,
                Timeouts.DEFAULT));
    }

    /** A copy with other time limits (tests shorten them). */
    public S3Settings withTimeouts(Timeouts value) {
        return new S3Settings(endpoint, bucket, region, credentials, value);
    }

    /** The service, for messages: the endpoint, or Amazon S3 and the region. */
    public String service() {
        return endpoint.map(URI::toString).orElse("Amazon S3 (" + region + ")");
    }

    /** The bucket and the service, for messages. */
    public String describe() {
        return "bucket " + bucket + " at " + service();
    }

    private static URI parseEndpoint(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--s3-endpoint '" + text + "' is not a URL: " + e.getMessage(), e);
        }
    }

    private static void checkEndpoint(URI uri) {
        if (uri.getRawUserInfo() != null) {
            // Not quoted: the user part of a URL may be a key and its secret.
            throw new IllegalArgumentException("--s3-endpoint must not hold a user or password; credentials go in "
                    + "--s3-credentials or the environment");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null || uri.getQuery() != null
                || uri.getFragment() != null || !(uri.getPath() == null || uri.getPath().isEmpty()
                        || uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("--s3-endpoint '" + uri + "' must be http(s)://HOST[:PORT] with no "
                    + "path or query (the bucket is --s3-bucket)");
        }
    }

    /**
     * The time limits of S3 calls.
     *
     * @param connect how long opening a connection may take
     * @param socket  the longest silence while sending or receiving
     * @param call    how long one call may take in all, retries included (a whole part or object
     *                upload; reading an opened object is bounded by {@code socket} instead)
     */
    public record Timeouts(Duration connect, Duration socket, Duration call) {
        /**
         * 5 s to connect, 60 s of silence, 15 min for a call: a 1 GiB object at 2 MB/s, the
         * slowest link a registry's storage network should have, with room for retries.
         */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofMinutes(15));

        public Timeouts {
            for (Duration value : new Duration[] {connect, socket, call}) {
                if (value == null || value.isNegative() || value.isZero()) {
                    throw new IllegalArgumentException("S3 timeouts must be positive durations, got " + value);
                }
            }
        }
    }
}
