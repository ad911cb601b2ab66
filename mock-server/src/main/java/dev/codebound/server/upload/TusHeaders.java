package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.http.Responses;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import dev.codebound.server.problem.StorageBusyException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsing and formatting of tus headers, strict about what it accepts. */
final class TusHeaders {
    /** RFC 7231 IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT} (always two-digit days). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    /**
     * The tus request headers that carry one value. HTTP lets a header repeat, and a reader that
     * takes the first (or the last) value would act on something other than what a proxy, a log or
     * a second check saw: a repeated one is refused rather than chosen from.
     */
    private static final List<String> SINGLE_VALUED = List.of(Tus.TUS_RESUMABLE, Tus.UPLOAD_LENGTH,
            Tus.UPLOAD_OFFSET, Tus.UPLOAD_METADATA, Tus.UPLOAD_CHECKSUM, Tus.UPLOAD_DEFER_LENGTH, Tus.UPLOAD_CONCAT);

    private TusHeaders() {}

    /**
     * A non-negative integer header: digits only (no sign, spaces or exponent), fitting a long.
     *
     * @param missing the refusal when the header is absent
     * @param invalid the refusal when it is not such an integer
     */
    static long nonNegative(String value, String header, ProblemType missing, ProblemType invalid, String instance)
            throws Refusal {
        if (value == null) {
            throw new Refusal(missing, header + " is required", instance);
        }
        if (!DIGITS.matcher(value).matches()) {
            throw new Refusal(invalid, header + " must be a non-negative decimal integer", instance);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Refusal(invalid, header + " is too large", instance);
        }
    }

    /** The 412 for a request without {@code Tus-Resumable: 1.0.0}. */
    static Refusal unsupportedVersion(String given, String instance) {
        return new Refusal(ProblemType.UNSUPPORTED_TUS_VERSION, given == null ? "send Tus-Resumable: " + Tus.VERSION
                        : "Tus-Resumable " + given + " is not supported; this server speaks " + Tus.VERSION, instance);
    }

    /**
     * The checks every tus request (but {@code OPTIONS}) passes before its own: no single-valued tus
     * header repeated ({@code 400 REPEATED_HEADER}), {@code Tus-Resumable: 1.0.0} ({@code 412}), and
     * no {@code Upload-Concat} ({@code 400 CONCATENATION_UNSUPPORTED}).
     *
     * <p>Why 400 for {@code Upload-Concat}: tus 1.0.0 reserves 412 for an unsupported protocol
     * version (it comes with {@code Tus-Version}, which cannot help here) and names no status for
     * an extension the server does not list in {@code Tus-Extension}; the request is one this
     * server cannot carry out as sent, which is 400, as the checksum extension answers an
     * unsupported algorithm and as this server answers {@code Upload-Defer-Length}. Ignoring the
     * header instead would store a "partial" upload as a whole one.
     */
    static void requireTusRequest(HttpHeaders headers, String instance) throws Refusal {
        for (String name : SINGLE_VALUED) {
            int count = headers.getAll(name).size();
            if (count > 1) {
                throw new Refusal(ProblemType.REPEATED_HEADER, name + " was sent on " + count
                        + " header lines; send it once" + (name.equals(Tus.UPLOAD_METADATA)
                                ? ", with every key-value pair on that one line, separated by commas" : ""), instance);
            }
        }
        requireResumable(headers.get(Tus.TUS_RESUMABLE), instance);
        if (headers.contains(Tus.UPLOAD_CONCAT)) {
            throw new Refusal(ProblemType.CONCATENATION_UNSUPPORTED,
                    "this server does not offer the concatenation extension (see Tus-Extension); upload the "
                            + "envelope as one upload", instance);
        }
    }

    /** Fails with 412 unless {@code value} is the supported protocol version. */
    private static void requireResumable(String value, String instance) throws Refusal {
        if (!Tus.VERSION.equals(value)) {
            throw unsupportedVersion(value, instance);
        }
    }

    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }

    /** The answer to a refusal, with the tus headers a client needs to recover. */
    static FullHttpResponse response(Refusal refusal) {
        FullHttpResponse response = Responses.problem(refusal.problem());
        tus(response);
        if (refusal.type() == ProblemType.UNSUPPORTED_TUS_VERSION) {
            response.headers().set(Tus.TUS_VERSION, Tus.VERSION);
        }
        if (refusal instanceof OffsetMismatch mismatch) {
            response.headers().set(Tus.UPLOAD_OFFSET, mismatch.currentOffset());
        }
        if (refusal.type() == ProblemType.STORAGE_BUSY) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, StorageBusyException.RETRY_AFTER_SECONDS);
        }
        return response;
    }

    /** Marks a response as tus and uncacheable, as every tus answer must be. */
    static FullHttpResponse tus(FullHttpResponse response) {
        response.headers().set(Tus.TUS_RESUMABLE, Tus.VERSION);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }
}
