package dev.codebound.protocol.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * An RFC 9457 problem-details body ({@code application/problem+json}): how the registry explains
 * every refusal in a machine-readable way.
 *
 * @param type     a URI naming the problem kind, e.g. {@code urn:codebound:problem:bad-signature}
 * @param title    a short human summary of the kind
 * @param status   the HTTP status code
 * @param detail   what was wrong with this request and what to do
 * @param instance the request path or upload it concerns
 * @param reason   Codebound's stable machine-readable reason code (an extension member)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String reason) {
    /** The media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The base of every Codebound problem type URI. */
    public static final String TYPE_BASE = "urn:codebound:problem:";

    /** Problem bodies may carry extension members we do not know; ignore them rather than fail. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A problem whose type URI is derived from its reason code ({@code BAD_SIGNATURE} → {@code .../bad-signature}). */
    public static Problem of(int status, String reason, String title, String detail, String instance) {
        return new Problem(TYPE_BASE + reason.toLowerCase(java.util.Locale.ROOT).replace('_', '-'), title, status,
                detail, instance, reason);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode problem", e);
        }
    }

    /** Parses a problem body; fails with a clear message when it is not one. */
    public static Problem fromJson(byte[] json) throws WireFormatException {
        try {
            Problem problem = JSON.readValue(json, Problem.class);
            if (problem == null) {
                // Jackson binds the JSON literal null to no object at all.
                throw new WireFormatException("not an RFC 9457 problem body: the JSON value null");
            }
            return problem;
        } catch (IOException e) {
            throw new WireFormatException("not an RFC 9457 problem body: " + e.getMessage());
        }
    }
}
