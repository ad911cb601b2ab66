package dev.codebound.server.objects;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's exceptions into {@link IOException}s that say what failed, on which key and
 * bucket, and what the operator can do: the three causes an operator meets (the credentials, the
 * bucket, the endpoint) each get their own advice. No message carries a credential: the SDK's own
 * messages name at most the access key id, and only the service's error code is quoted here.
 */
final class S3Failures {
    private final S3Settings settings;

    S3Failures(S3Settings settings) {
        this.settings = settings;
    }

    /**
     * The exception to throw for {@code failure} of {@code action} (e.g. "put") on {@code key}
     * ({@code null} for a call on the bucket itself).
     */
    IOException of(String action, String key, SdkException failure) {
        String what = "S3 " + action + (key == null ? " of " : " of key " + key + " in ") + settings.describe()
                + " failed: ";
        if (failure instanceof S3Exception service) {
            return new IOException(what + serviceReason(service), failure);
        }
        if (failure instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            InterruptedIOException interrupted = new InterruptedIOException(what + "interrupted");
            interrupted.initCause(failure);
            return interrupted;
        }
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return new IOException(what + "no answer within " + settings.timeouts().call().toSeconds() + " s; check "
                    + "that the service is up and the network to it is not saturated", failure);
        }
        Throwable unreachable = cause(failure, ConnectException.class, ConnectTimeoutException.class,
                UnknownHostException.class, NoRouteToHostException.class);
        if (unreachable != null) {
            return new IOException(what + "cannot reach the service (" + unreachable.getClass().getSimpleName()
                    + "); check --s3-endpoint and that the service is running", failure);
        }
        if (cause(failure, SocketTimeoutException.class) != null) {
            return new IOException(what + "the service went silent for " + settings.timeouts().socket().toSeconds()
                    + " s; check that it is up", failure);
        }
        return new IOException(what + failure.getMessage(), failure);
    }

    private String serviceReason(S3Exception service) {
        String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
        int status = service.statusCode();
        String answered = "the service answered " + status + (code == null ? "" : " " + code);
        if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code) || status == 401
                || (status == 403 && code == null)) {
            return answered + ": it refused the credentials; check the access key id and secret in "
                    + settings.credentials().source();
        }
        if ("AccessDenied".equals(code) || status == 403) {
            return answered + ": the credentials from " + settings.credentials().source() + " may not do this; "
                    + "grant them read, write, list and delete on bucket " + settings.bucket();
        }
        if ("NoSuchBucket".equals(code)) {
            return answered + ": the bucket does not exist; create it (the registry never "
                    + "creates buckets) or correct --s3-bucket";
        }
        if ("NoSuchUpload".equals(code)) {
            return answered + ": the multipart upload is gone (aborted, completed, or removed by the bucket's "
                    + "lifecycle rules)";
        }
        if ("BadDigest".equals(code) || "InvalidDigest".equals(code)) {
            return answered + ": the bytes it received do not match their MD5, so it stored nothing; "
                    + "something between the registry and the service altered them";
        }
        if (status >= 500) {
            return answered + ": the service failed; it was retried, try again later";
        }
        return answered + (service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
                ? "" : " (" + service.awsErrorDetails().errorMessage() + ")");
    }

    /** The first exception in {@code failure}'s chain of causes that is one of {@code types}, or null. */
    @SafeVarargs
    private static Throwable cause(Throwable failure, Class<? extends Throwable>... types) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(cause)) {
                    return cause;
                }
            }
        }
        return null;
    }
}
