package dev.codebound.server;

import dev.codebound.server.objects.S3Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The server's {@code --s3-*} options: the S3-compatible bucket where the registry keeps upload bytes
 * and envelopes when its stores are shared between nodes (with {@code --postgres-url}, instead of
 * {@code --objects}). Only parsed here; {@link S3Settings#fromOptions} checks them.
 * The credentials are never an option (other local users can read a process's arguments).
 */
final class S3Options {
    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3-compatible object storage the registry's nodes share (with --postgres-url, instead of "
                    + "--objects), as http(s)://HOST[:PORT] (path-style requests). Default: Amazon S3 in "
                    + "--s3-region.")
    String endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME",
            description = "The bucket, which must exist and be writable: the registry checks it at start and "
                    + "refuses to start otherwise. Giving it turns S3 object storage on. Default: none.")
    String bucket;

    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "The region requests are signed for. Default: " + S3Settings.DEFAULT_REGION + ".")
    String region;

    @Option(names = "--s3-credentials", paramLabel = "FILE",
            description = "Credentials file in the AWS format ([default] with aws_access_key_id and "
                    + "aws_secret_access_key). Default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the "
                    + "environment.")
    Path credentials;

    /** Whether any {@code --s3-*} option was given. */
    boolean given() {
        return endpoint != null || bucket != null || region != null || credentials != null;
    }

    /** The settings these options give, or empty without {@code --s3-bucket}. */
    Optional<S3Settings> settings(Map<String, String> environment) {
        return S3Settings.fromOptions(endpoint, bucket, region, credentials, environment);
    }
}
