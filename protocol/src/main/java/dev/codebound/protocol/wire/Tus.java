package dev.codebound.protocol.wire;

/**
 * Names and values of the tus 1.0.0 resumable-upload protocol as Codebound uses it, shared by the
 * agent's client and the registry's server so that neither spells a header differently.
 */
public final class Tus {
    /** The only protocol version both sides speak. */
    public static final String VERSION = "1.0.0";

    public static final String TUS_RESUMABLE = "Tus-Resumable";
    public static final String TUS_VERSION = "Tus-Version";
    public static final String TUS_EXTENSION = "Tus-Extension";
    public static final String TUS_MAX_SIZE = "Tus-Max-Size";
    public static final String TUS_CHECKSUM_ALGORITHM = "Tus-Checksum-Algorithm";
    public static final String UPLOAD_OFFSET = "Upload-Offset";
    public static final String UPLOAD_LENGTH = "Upload-Length";
    public static final String UPLOAD_METADATA = "Upload-Metadata";
    public static final String UPLOAD_CHECKSUM = "Upload-Checksum";
    public static final String UPLOAD_EXPIRES = "Upload-Expires";
    public static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";
    /** The concatenation extension's header; this project does not offer concatenation. */
    public static final String UPLOAD_CONCAT = "Upload-Concat";
    public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

    /** The content type every PATCH body must carry. */
    public static final String OFFSET_CONTENT_TYPE = "application/offset+octet-stream";

    /** Status the checksum extension defines for a chunk whose checksum does not match. */
    public static final int STATUS_CHECKSUM_MISMATCH = 460;

    /** Extensions the registry implements, in the order it advertises them. */
    public static final String EXTENSIONS = "creation,creation-with-upload,checksum,expiration,termination";

    /** Checksum algorithms the registry accepts, strongest first. */
    public static final String CHECKSUM_ALGORITHMS = "sha256,sha1";

    /** Codebound's {@code Upload-Metadata} keys. */
    public static final class Metadata {
        /** The registry's id of the collection code the envelope is bound to. */
        public static final String CODE_ID = "code-id";
        /** Lower-case hex SHA-256 of the whole envelope: the idempotency key. */
        public static final String ENVELOPE_SHA256 = "envelope-sha256";
        /** The uploading station's id (must match its certificate). */
        public static final String STATION_ID = "station-id";
        /** A display name for the file; never personal data. */
        public static final String FILENAME = "filename";

        private Metadata() {}
    }

    private Tus() {}
}
