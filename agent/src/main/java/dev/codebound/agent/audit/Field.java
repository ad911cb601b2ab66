package dev.codebound.agent.audit;

import java.util.regex.Pattern;

/**
 * Every field a transfer-log record may carry besides {@code seq}, {@code time}, {@code event},
 * {@code prev} and {@code hash}. This is the privacy whitelist: a value that does not match its
 * field's pattern is refused at append time, so a name, an ID number, a student number or a
 * code's text cannot slip into the log under a harmless-looking field name. Every pattern excludes
 * the characters JSON would escape (and CSV would quote), which is what lets one rendering be the
 * canonical form.
 */
public enum Field {
    ENTRY_ID("entryId", Kind.SHA256_HEX),
    CODE_ID("codeId", Kind.CODE_ID),
    PHOTO_SHA256("photoSha256", Kind.SHA256_HEX),
    ENVELOPE_LENGTH("envelopeLength", Kind.COUNT),
    OFFSET("offset", Kind.COUNT),
    RECEIPT_SHA256("receiptSha256", Kind.SHA256_HEX),
    LOG_INDEX("logIndex", Kind.COUNT),
    REASON("reason", Kind.REASON),
    KEY_FINGERPRINT("keyFingerprint", Kind.SHA256_HEX),
    STATION_ID("stationId", Kind.STATION_ID),
    CERT_FINGERPRINT("certFingerprint", Kind.SHA256_HEX),
    SEQUENCE("sequence", Kind.COUNT),
    SIZE("size", Kind.COUNT),
    HEAD("head", Kind.SHA256_HEX),
    SIGNATURE("signature", Kind.SIGNATURE),
    DISCARDED_BYTES("discardedBytes", Kind.COUNT),
    DISCARDED_SHA256("discardedSha256", Kind.SHA256_HEX),
    /** What kind of data a retention deletion removed, e.g. {@code ORIGINAL}. */
    KIND("kind", Kind.REASON),
    /** The retention rule a deletion followed, e.g. {@code ORIGINAL_AFTER_DELIVERY}. */
    RULE("rule", Kind.REASON);

    /** The value shapes; each string pattern is ASCII without '"', '\\', ',' or control characters. */
    enum Kind {
        /** A SHA-256 as 64 lower-case hex digits. */
        SHA256_HEX(Pattern.compile("[0-9a-f]{64}")),
        /** A registry code id: the base32 of its 10 random bytes, as the registry prints it. */
        CODE_ID(Pattern.compile("[A-Z2-7]{16}")),
        /** A registry-assigned station id (the station certificate's common name). */
        STATION_ID(Pattern.compile("[A-Za-z0-9._-]{1,64}")),
        /** A registry reason code such as {@code CODE_REVOKED}, never free text. */
        REASON(Pattern.compile("[A-Z][A-Z0-9_]{0,63}")),
        /** An ECDSA P-256 signature, P1363 r||s (64 bytes), standard base64 with padding. */
        SIGNATURE(Pattern.compile("[A-Za-z0-9+/]{86}==")),
        /** A whole number from 0 to 2^63-1, a JSON integer without sign or leading zeros. */
        COUNT(null);

        private final Pattern pattern;

        Kind(Pattern pattern) {
            this.pattern = pattern;
        }
    }

    private final String jsonName;
    private final Kind kind;

    Field(String jsonName, Kind kind) {
        this.jsonName = jsonName;
        this.kind = kind;
    }

    /** The member name in the record's JSON. */
    public String jsonName() {
        return jsonName;
    }

    /** Whether the value is a JSON number (else a JSON string). */
    boolean isNumber() {
        return kind == Kind.COUNT;
    }

    /**
     * Checks a value and returns it as the field stores it (a {@code Long} or a {@code String}).
     *
     * @throws IllegalArgumentException naming the field and the expected shape, never echoing the value
     *                                  (it might be the very personal data being refused)
     */
    Object validate(Object value) {
        if (kind == Kind.COUNT) {
            if (!(value instanceof Long || value instanceof Integer) || ((Number) value).longValue() < 0) {
                throw new IllegalArgumentException("field '" + jsonName + "' must be a whole number >= 0");
            }
            return ((Number) value).longValue();
        }
        if (!(value instanceof String text) || !kind.pattern.matcher(text).matches()) {
            throw new IllegalArgumentException("field '" + jsonName + "' must match " + kind.pattern.pattern()
                    + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return text;
    }

    /** The field with this JSON name, or {@code null}. */
    static Field byJsonName(String name) {
        for (Field field : values()) {
            if (field.jsonName.equals(name)) {
                return field;
            }
        }
        return null;
    }
}
