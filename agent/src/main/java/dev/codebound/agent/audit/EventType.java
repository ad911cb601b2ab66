package dev.codebound.agent.audit;

import java.util.List;

/**
 * The kinds of transfer-log record and, for each, exactly which fields it carries and in which
 * order (the order is part of the canonical form). A record with a missing, extra or reordered
 * field is refused when appended and fails verification when read.
 */
public enum EventType {
    /** A collection code was verified offline; only the registry's code id is kept. */
    CODE_VERIFIED("code-verified", Field.CODE_ID),
    /** A photo was sealed into an envelope and spooled; the entry id is the envelope's SHA-256. */
    CAPTURED("captured", Field.ENTRY_ID, Field.CODE_ID, Field.PHOTO_SHA256, Field.ENVELOPE_LENGTH),
    /** An upload attempt of an entry began at byte 0. */
    UPLOAD_STARTED("upload-started", Field.ENTRY_ID),
    /** An interrupted upload resumed at the offset the registry acknowledged. */
    UPLOAD_RESUMED("upload-resumed", Field.ENTRY_ID, Field.OFFSET),
    /** The registry accepted an entry; the receipt's file bytes hash to {@code receiptSha256}. */
    DELIVERED("delivered", Field.ENTRY_ID, Field.RECEIPT_SHA256, Field.LOG_INDEX),
    /** The registry refused an entry, with its reason code. */
    REJECTED("rejected", Field.ENTRY_ID, Field.REASON),
    /** An operator removed an entry (and its envelope) from the spool. */
    SPOOL_ENTRY_REMOVED("spool-entry-removed", Field.ENTRY_ID),
    /**
     * An operator withdrew an entry before the registry accepted it (e.g. a photo paired with the
     * wrong code); its envelope was deleted and any upload of it at the registry terminated.
     */
    ENTRY_WITHDRAWN("entry-withdrawn", Field.ENTRY_ID),
    /** {@code watch --pair-with-last-code}: a scan opened a pairing, for the next photo only, with this code. */
    PAIRING_OPENED("pairing-opened", Field.CODE_ID),
    /**
     * A pairing closed; the reason is {@code PHOTO_PAIRED} (the next photo was bound to the code) or
     * why it closed without one ({@code NEW_SCAN}, {@code SCAN_REFUSED}, {@code SCANNER_ENDED},
     * {@code IDLE_TIMEOUT}, {@code WATCH_STOPPED}).
     */
    PAIRING_CLOSED("pairing-closed", Field.CODE_ID, Field.REASON),
    /**
     * A photo arrived in the hot folder with no pairing it could be bound to ({@code NO_OPEN_PAIRING},
     * {@code ARRIVED_BEFORE_SCAN}); it was sealed for no code. Its file name is not recorded.
     */
    PHOTO_UNPAIRED("photo-unpaired", Field.REASON),
    /** The station key was generated; the fingerprint is SHA-256 of its public key's DER SubjectPublicKeyInfo. */
    KEY_CREATED("key-created", Field.KEY_FINGERPRINT),
    /**
     * The station is moving to a new key; the fingerprint is SHA-256 of the new public key's DER
     * SubjectPublicKeyInfo. The next checkpoint, signed by the old key, is the old key's hand-over
     * to the new one (see {@link SignerTrust}).
     */
    KEY_RENEWED("key-renewed", Field.KEY_FINGERPRINT),
    /** The registry issued the station certificate; the fingerprint is SHA-256 of its DER. */
    ENROLLED("enrolled", Field.STATION_ID, Field.CERT_FINGERPRINT),
    /** A newer verified trust bundle was installed. */
    TRUST_UPDATED("trust-updated", Field.SEQUENCE),
    /** A station-signed statement about the records before it; see {@link StationCheckpoint}. */
    CHECKPOINT("checkpoint", Field.SIZE, Field.HEAD, Field.CERT_FINGERPRINT, Field.SIGNATURE),
    /** Opening the log found a torn final line (a crash mid-write) and truncated it. */
    LOG_REPAIRED("log-repaired", Field.DISCARDED_BYTES, Field.DISCARDED_SHA256),
    /**
     * Data of a spool entry is being deleted under the station's retention policy (docs/privacy.md):
     * kind {@code ORIGINAL} (the photo in the hot folder's {@code done/}), {@code ENVELOPE} (a
     * delivered envelope; the entry and its receipt stay) or {@code ENTRY} (an undelivered entry
     * and its envelope), under the named rule. Written before the deletion, which the next sweep
     * finishes if a crash interrupts it.
     */
    RETENTION_DELETED("retention-deleted", Field.ENTRY_ID, Field.KIND, Field.RULE),
    /**
     * A photo no spool entry accounts for is being deleted under the retention policy: kind
     * {@code REFUSED_PHOTO} (in the hot folder's {@code rejected/}) or {@code ORIGINAL} (in
     * {@code done/} under a name that is not an entry id). Named by its SHA-256, never its file name.
     */
    PHOTO_DELETED("photo-deleted", Field.PHOTO_SHA256, Field.KIND, Field.RULE);

    private final String wireName;
    private final List<Field> fields;

    EventType(String wireName, Field... fields) {
        this.wireName = wireName;
        this.fields = List.of(fields);
    }

    /** The value of the record's {@code event} member. */
    public String wireName() {
        return wireName;
    }

    /** The fields this event carries, in canonical order. */
    List<Field> fields() {
        return fields;
    }

    /** The event type with this wire name, or {@code null}. */
    static EventType byWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
