package dev.codebound.server.objects;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An {@link ObjectStore} over an S3-compatible service (Amazon S3, MinIO, Ceph, S3Proxy...), with
 * the AWS SDK for Java v2 and its synchronous Apache HTTP client.
 *
 * <p>Addressing is path-style ({@code endpoint/bucket/key}), which every S3-compatible service
 * serves, with no DNS name per bucket. Every call is bounded ({@link S3Settings.Timeouts}); the SDK
 * retries transient failures (its standard mode: three attempts with back-off). Every body sent
 * carries its {@code Content-MD5}, which S3 and S3-compatible services check before storing
 * anything: streamed content is first copied to a private spool file ({@link SpooledContent}) so
 * that its length is checked and its digest known before it is sent. The SDK's own trailing
 * checksums are left off: not every S3-compatible service parses them, and the MD5 serves the same
 * purpose everywhere.
 *
 * <p>S3's single-request copy is limited to 5 GiB objects; the registry's objects are smaller (an
 * envelope is at most 1 GiB).
 */
public final class S3ObjectStore implements ObjectStore {
    /** S3's smallest part that is not the last one. */
    public static final long MINIMUM_PART_SIZE = 5L << 20;
    /** S3's largest part number. */
    public static final int MAX_PARTS = 10_000;
    /** The page size asked for when listing (S3's maximum). */
    private static final int LIST_PAGE = 1000;
    /** Where {@link #checkWritable()} writes its probe. */
    static final String PROBE_PREFIX = "codebound-probe/";

    private final S3Client client;
    private final S3Settings settings;
    private final S3Failures failures;
    private final Path spool;
    private final int listPage;

    private S3ObjectStore(S3Client client, S3Settings settings, Path spool, int listPage) {
        this.client = client;
        this.settings = settings;
        this.failures = new S3Failures(settings);
        this.spool = spool;
        this.listPage = listPage;
    }

    /**
     * A store over the bucket {@code settings} names, spooling streamed content in {@code spool}
     * (created owner-only; what a crashed process left there is deleted). Makes no request: see
     * {@link #checkWritable()}.
     */
    public static S3ObjectStore open(S3Settings settings, Path spool) throws IOException {
        return open(settings, spool, LIST_PAGE);
    }

    /** As {@link #open(S3Settings, Path)}, listing {@code listPage} keys per request (tests page through few). */
    static S3ObjectStore open(S3Settings settings, Path spool, int listPage) throws IOException {
        Objects.requireNonNull(settings, "settings");
        SpooledContent.prepare(spool);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(settings.credentials().toSdk()))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(settings.timeouts().connect())
                        .connectionAcquisitionTimeout(settings.timeouts().connect())
                        .socketTimeout(settings.timeouts().socket()))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(settings.timeouts().call())
                        // Set here, not left to AWS_RETRY_MODE or a profile file: three attempts, as documented.
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new S3ObjectStore(builder.build(), settings, spool, listPage);
    }

    /**
     * Checks that the bucket exists and that these credentials may write, read, list and delete in
     * it, by writing, reading back and deleting a probe object under {@value #PROBE_PREFIX}; the
     * registry calls it before it starts serving.
     *
     * @throws IOException saying what is wrong (credentials, bucket, endpoint) and what to do
     */
    public void checkWritable() throws IOException {
        if (!bucketExists()) {
            throw noBucket(null);
        }
        String probe = PROBE_PREFIX + UUID.randomUUID();
        byte[] bytes = probe.getBytes(StandardCharsets.US_ASCII);
        put(probe, bytes);
        try {
            try (InputStream in = open(probe)) {
                if (!Arrays.equals(in.readAllBytes(), bytes)) {
                    throw new IOException("S3 " + settings.describe() + " returned other bytes than were written to "
                            + probe + "; the service is not a faithful object store");
                }
            }
            // Listing is how a node finds what another left (recovery): a key without that right fails here, not then.
            list(PROBE_PREFIX);
        } finally {
            delete(probe);
        }
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        ObjectKeys.check(key);
        try {
            client.putObject(request -> request.bucket(settings.bucket()).key(key)
                    .contentLength((long) bytes.length).contentMD5(SpooledContent.md5Base64(bytes)),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failures.of("put", key, e);
        }
    }

    @Override
    public void put(String key, InputStream content, long length) throws IOException {
        ObjectKeys.check(key);
        try (SpooledContent spooled = SpooledContent.copy(spool, content, length)) {
            client.putObject(request -> request.bucket(settings.bucket()).key(key)
                    .contentLength(spooled.length()).contentMD5(spooled.md5Base64()),
                    RequestBody.fromFile(spooled.file()));
        } catch (SdkException e) {
            throw failures.of("put", key, e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            return client.getObject(request -> request.bucket(settings.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw missing(key, e);
        } catch (SdkException e) {
            throw failures.of("get", key, e);
        }
    }

    @Override
    public Optional<Long> length(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            HeadObjectResponse head = client.headObject(request -> request.bucket(settings.bucket()).key(key));
            return Optional.of(head.contentLength());
        } catch (S3Exception e) {
            // A HEAD answer has no body, so no error code: its 404 is a missing key or a missing bucket.
            if (e.statusCode() == 404 && bucketExists()) {
                return Optional.empty();
            }
            throw e.statusCode() == 404 ? noBucket(e) : failures.of("head", key, e);
        } catch (SdkException e) {
            throw failures.of("head", key, e);
        }
    }

    @Override
    public void copy(String from, String to) throws IOException {
        ObjectKeys.check(from);
        ObjectKeys.check(to);
        try {
            client.copyObject(request -> request.sourceBucket(settings.bucket()).sourceKey(from)
                    .destinationBucket(settings.bucket()).destinationKey(to));
        } catch (NoSuchKeyException e) {
            throw missing(from, e);
        } catch (SdkException e) {
            throw failures.of("copy to " + to, from, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            client.deleteObject(request -> request.bucket(settings.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            // S3 answers 204 for a missing key; a service that says NoSuchKey means the same.
        } catch (SdkException e) {
            throw failures.of("delete", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        ObjectKeys.checkPrefix(prefix);
        List<String> keys = new ArrayList<>();
        String continuation = null;
        try {
            do {
                ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(settings.bucket())
                        .prefix(prefix).maxKeys(listPage);
                if (continuation != null) {
                    request.continuationToken(continuation);
                }
                ListObjectsV2Response page = client.listObjectsV2(request.build());
                for (S3Object object : page.contents()) {
                    keys.add(object.key());
                }
                continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (continuation != null);
        } catch (SdkException e) {
            throw failures.of("list", prefix + "*", e);
        }
        return keys;
    }

    @Override
    public long minimumPartSize() {
        return MINIMUM_PART_SIZE;
    }

    @Override
    public String beginMultipart(String key) throws IOException {
        ObjectKeys.check(key);
        try {
            return client.createMultipartUpload(request -> request.bucket(settings.bucket()).key(key)).uploadId();
        } catch (SdkException e) {
            throw failures.of("multipart start", key, e);
        }
    }

    @Override
    public Part uploadPart(String key, String uploadId, int partNumber, InputStream content, long length)
            throws IOException {
        ObjectKeys.check(key);
        Objects.requireNonNull(uploadId, "uploadId");
        checkPartNumber(partNumber);
        try (SpooledContent spooled = SpooledContent.copy(spool, content, length)) {
            UploadPartResponse response = client.uploadPart(request -> request.bucket(settings.bucket()).key(key)
                    .uploadId(uploadId).partNumber(partNumber).contentLength(spooled.length())
                    .contentMD5(spooled.md5Base64()), RequestBody.fromFile(spooled.file()));
            return new Part(partNumber, response.eTag(), length);
        } catch (SdkException e) {
            throw failures.of("upload of part " + partNumber, key, e);
        }
    }

    @Override
    public void completeMultipart(String key, String uploadId, List<Part> parts) throws IOException {
        ObjectKeys.check(key);
        Objects.requireNonNull(uploadId, "uploadId");
        long total = checkParts(parts);
        List<CompletedPart> completed = parts.stream()
                .map(part -> CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build())
                .toList();
        try {
            client.completeMultipartUpload(request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(completed)));
        } catch (S3Exception e) {
            // A completed upload is gone; S3 then answers NoSuchUpload, S3Proxy InvalidPart. An upload that holds
            // no part any more and an object of the parts' length tell a retry after a crash from a real failure.
            if (!(e instanceof NoSuchUploadException || "InvalidPart".equals(errorCode(e)))
                    || uploadHoldsParts(key, uploadId) || length(key).orElse(-1L) != total) {
                throw failures.of("multipart completion", key, e);
            }
        } catch (SdkException e) {
            throw failures.of("multipart completion", key, e);
        }
    }

    private boolean uploadHoldsParts(String key, String uploadId) throws IOException {
        try {
            return !client.listParts(request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .maxParts(1)).parts().isEmpty();
        } catch (NoSuchUploadException e) {
            return false;
        } catch (SdkException e) {
            throw failures.of("multipart part listing", key, e);
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    @Override
    public void abortMultipart(String key, String uploadId) throws IOException {
        ObjectKeys.check(key);
        Objects.requireNonNull(uploadId, "uploadId");
        try {
            client.abortMultipartUpload(request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (NoSuchUploadException e) {
            // Already gone, as the contract allows.
        } catch (SdkException e) {
            throw failures.of("multipart abort", key, e);
        }
    }

    /** The settings this store was opened with. */
    public S3Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        client.close();
    }

    private boolean bucketExists() throws IOException {
        try {
            client.headBucket(request -> request.bucket(settings.bucket()));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failures.of("bucket check", null, e);
        } catch (SdkException e) {
            throw failures.of("bucket check", null, e);
        }
    }

    private IOException noBucket(S3Exception cause) {
        return new IOException("S3 bucket " + settings.bucket() + " does not exist at " + settings.service()
                + "; create it (the registry never creates buckets) or correct --s3-bucket", cause);
    }

    private NoSuchObjectException missing(String key, NoSuchKeyException cause) {
        NoSuchObjectException missing = new NoSuchObjectException(key);
        missing.initCause(cause);
        return missing;
    }

    private static void checkPartNumber(int partNumber) {
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw new IllegalArgumentException("part numbers are 1 to " + MAX_PARTS + ", got " + partNumber);
        }
    }

    /** The object's length; refuses parts out of order, or too small where they are not the last. */
    private static long checkParts(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload is completed with at least one part");
        }
        long total = 0;
        int previous = 0;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            checkPartNumber(part.number());
            if (part.number() <= previous) {
                throw new IllegalArgumentException("parts must be listed in increasing part number order; part "
                        + part.number() + " follows part " + previous);
            }
            if (i < parts.size() - 1 && part.length() < MINIMUM_PART_SIZE) {
                throw new IllegalArgumentException("part " + part.number() + " has " + part.length() + " bytes; "
                        + "every part but the last needs at least " + MINIMUM_PART_SIZE);
            }
            previous = part.number();
            total += part.length();
        }
        return total;
    }
}
