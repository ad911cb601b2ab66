package dev.codebound.server.problem;

import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.wire.Problem;

/**
 * Every kind of problem the registry answers with: its HTTP status, its stable {@code reason} code
 * and its title. Nothing in the server writes a status and a reason code inline; it names one of
 * these and adds the detail (what was wrong with this request and what to do). docs/registry-api.md
 * lists the catalogue, and a test keeps the two in step.
 *
 * <p>A reason code names what was wrong; a few are answered with two statuses in two contexts, and
 * are then two entries: an unknown code is {@code 404 CODE_UNKNOWN} when an administrator looks it
 * up and {@code 422 CODE_UNKNOWN} in the verdict on an envelope bound to it. Reason codes are part
 * of the API: stations and integrators act on them, so an entry's code never changes.
 *
 * <p>The envelope verdicts ({@code 422}, title "Envelope refused") carry the protocol library's
 * reasons unchanged ({@link EnvelopeException.Reason}, and {@code CODE_} + the code's reason), so
 * that a station's own check and the registry's verdict name a failure alike; {@link #ofEnvelope}
 * maps them.
 */
public enum ProblemType {
    // Any request: HTTP framing, routing and authentication.
    MALFORMED_REQUEST(400, "Malformed HTTP request"),
    REQUEST_HEAD_TOO_LARGE(431, "MALFORMED_REQUEST", "Malformed HTTP request"),
    BAD_METHOD_OVERRIDE(400, "Unsupported method override"),
    MALFORMED_BODY(400, "Malformed request body"),
    NO_SUCH_ROUTE(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    BODY_TOO_LARGE(413, "Request body too large"),
    WRONG_CONTENT_TYPE(415, "Unsupported media type"),
    BODY_STALLED(408, "Request body too slow"),
    BODY_TOO_SLOW(408, "Request body too slow"),
    BODY_DEADLINE_EXCEEDED(408, "Request body too slow"),
    CLIENT_CERTIFICATE_REQUIRED(401, "Station authentication required"),
    STATION_REVOKED(403, "Station certificate revoked"),
    SHUTTING_DOWN(503, "Server shutting down"),
    STORAGE_FAILURE(500, "Storage failure"),
    STORAGE_BUSY(503, "Storage busy"),
    REGISTRY_FAILURE(500, "Registry failure"),

    // tus uploads.
    UNSUPPORTED_TUS_VERSION(412, "Unsupported tus version"),
    REPEATED_HEADER(400, "Repeated header"),
    CONCATENATION_UNSUPPORTED(400, "Upload-Concat not supported"),
    DEFER_LENGTH_UNSUPPORTED(400, "Upload-Defer-Length not supported"),
    MISSING_UPLOAD_LENGTH(400, "Missing Upload-Length"),
    INVALID_UPLOAD_LENGTH(400, "Invalid Upload-Length"),
    MISSING_UPLOAD_OFFSET(400, "Missing Upload-Offset"),
    INVALID_UPLOAD_OFFSET(400, "Invalid Upload-Offset"),
    INVALID_UPLOAD_METADATA(400, "Invalid Upload-Metadata"),
    INVALID_UPLOAD_CHECKSUM(400, "Invalid Upload-Checksum"),
    UPLOAD_TOO_LARGE(413, "Upload too large"),
    STATION_MISMATCH(403, "Station mismatch"),
    UNFINISHED_UPLOAD_QUOTA(429, "Too many unfinished uploads"),
    INVALID_UPLOAD_ID(404, "No such upload"),
    NO_SUCH_UPLOAD(404, "No such upload"),
    UPLOAD_OF_ANOTHER_STATION(403, "Not your upload"),
    UPLOAD_EXPIRED(410, "Upload expired"),
    UPLOAD_LOCKED(423, "Upload busy"),
    OFFSET_MISMATCH(409, "Upload-Offset does not match"),
    BODY_EXCEEDS_LENGTH(400, "Body exceeds Upload-Length"),
    CHECKSUM_MISMATCH(460, "Checksum mismatch"),
    OUTCOME_PENDING(409, "No outcome yet"),
    UPLOAD_INCOMPLETE(409, "No outcome yet"),

    // Verdicts on an uploaded envelope (GET /files/{id}/result and the completing PATCH).
    ENVELOPE_HASH_MISMATCH(422, "Envelope hash mismatch"),
    ENVELOPE_TOO_LARGE(422, "Envelope too large"),
    ENVELOPE_STATION_UNKNOWN(422, "STATION_UNKNOWN", "Unknown station certificate"),
    ENVELOPE_CODE_UNKNOWN(422, "CODE_UNKNOWN", "Unknown collection code"),
    ENVELOPE_STATION_MISMATCH(422, "STATION_MISMATCH", "Envelope from another station"),
    METADATA_MISMATCH(422, "Metadata does not match the envelope"),
    ENVELOPE_PHOTO_NOT_JPEG(422, "PHOTO_NOT_JPEG", "Photo is not a JPEG"),
    PHOTO_OUT_OF_SPEC(422, "Photo does not meet the specification"),
    MALFORMED(422, "Envelope refused"),
    TRUNCATED(422, "Envelope refused"),
    UNSUPPORTED_SUITE(422, "Envelope refused"),
    SUITE_NOT_ACCEPTED(422, "Envelope suite not accepted"),
    SUITE_CERTIFICATE_MISMATCH(422, "No certificate for this suite"),
    BAD_SIGNATURE(422, "Envelope refused"),
    UNTRUSTED_SIGNER(422, "Envelope refused"),
    SIGNER_REVOKED(422, "Envelope refused"),
    SIGNER_NOT_VALID_AT_CAPTURE(422, "Envelope refused"),
    WRONG_RECIPIENT(422, "Envelope refused"),
    DECRYPTION_FAILED(422, "Envelope refused"),
    BINDING_MISMATCH(422, "Envelope refused"),
    CODE_INVALID(422, "Envelope refused"),
    CODE_PROOF_KEY_UNKNOWN(422, "Envelope refused"),
    CODE_PROOF_INVALID(422, "Envelope refused"),
    CAPTURE_TIME_IN_FUTURE(422, "Envelope refused"),
    PHOTO_CHANGED(422, "Envelope refused"),
    CODE_MALFORMED(422, "Envelope refused"),
    CODE_UNSUPPORTED_VERSION(422, "Envelope refused"),
    CODE_UNKNOWN_KEY(422, "Envelope refused"),
    CODE_BAD_SIGNATURE(422, "Envelope refused"),
    CODE_NOT_YET_VALID(422, "Envelope refused"),
    CODE_EXPIRED(422, "Envelope refused"),
    CODE_REVOKED(422, "Envelope refused"),
    CODE_WRONG_SCHOOL(422, "Envelope refused"),

    // Registry endpoints: enrollment, codes, photos, receipts, the log.
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_JSON(400, "Invalid JSON"),
    CSR_INVALID(400, "Invalid certificate request"),
    ENROLLMENT_SUITE_NOT_ACCEPTED(400, "SUITE_NOT_ACCEPTED", "Suite not accepted"),
    ENROLLMENT_TOKEN_UNKNOWN(403, "Unknown enrollment token"),
    ENROLLMENT_TOKEN_EXPIRED(403, "Enrollment token expired"),
    ENROLLMENT_TOKEN_USED(409, "Enrollment token already used"),
    STATION_UNKNOWN(404, "Unknown station"),
    CODE_UNKNOWN(404, "Unknown collection code"),
    CSV_INVALID(400, "Invalid CSV batch"),
    CSV_TOO_MANY_ROWS(413, "CSV_INVALID", "CSV batch too large"),
    ENVELOPE_UNKNOWN(404, "Unknown envelope"),
    RECEIPT_UNKNOWN(404, "Unknown receipt"),
    PHOTO_NOT_JPEG(409, "Photo is not a JPEG"),
    PHOTO_TOO_LARGE(413, "Photo too large"),
    ARCHIVE_UNREADABLE(500, "Archived envelope unreadable"),
    INVALID_LOG_QUERY(400, "Invalid log query"),

    // Administration: admin routes, the admin web page, fault injection.
    ADMIN_LOOPBACK_ONLY(403, "Admin routes are loopback-only"),
    ADMIN_TOKEN_REQUIRED(401, "Admin token required"),
    INVALID_LIMIT(400, "Invalid limit"),
    INVALID_AFTER(400, "Invalid after"),
    ADMIN_UI_LOOPBACK_ONLY(403, "Admin web page is loopback-only"),
    ADMIN_SESSION_REQUIRED(401, "Log in first"),
    ADMIN_SESSION_EXPIRED(401, "Admin session expired"),
    ORIGIN_REQUIRED(403, "Origin required"),
    CROSS_ORIGIN_REFUSED(403, "Cross-origin change refused"),
    CSRF_TOKEN_INVALID(403, "CSRF token missing or wrong"),
    UI_FILE_UNKNOWN(404, "No such file"),
    MALFORMED_FAULT_PLAN(400, "Invalid fault plan"),
    INVALID_FAULT_PLAN(400, "Invalid fault plan"),
    FAULT_PLAN_TOO_LARGE(413, "Fault plan too large"),
    BAD_GATEWAY(502, "Bad gateway"),
    SERVICE_UNAVAILABLE(503, "Service unavailable"),
    GATEWAY_TIMEOUT(504, "Gateway timeout");

    private final int status;
    private final String code;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.code = name();
        this.title = title;
    }

    ProblemType(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    /** The stable machine-readable reason code (the problem body's {@code reason}). */
    public String code() {
        return code;
    }

    /** The short human summary (the problem body's {@code title}). */
    public String title() {
        return title;
    }

    /** The problem body for one occurrence: {@code detail} says what was wrong and what to do. */
    public Problem problem(String detail, String instance) {
        return Problem.of(status, code, title, detail, instance);
    }

    /** The envelope verdict for a failure the protocol library reports while opening an envelope. */
    public static ProblemType ofEnvelope(EnvelopeException failure) {
        return valueOf(failure.codeReason().map(code -> "CODE_" + code.name()).orElse(failure.reason().name()));
    }
}
