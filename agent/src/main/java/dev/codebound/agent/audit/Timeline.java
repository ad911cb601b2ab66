package dev.codebound.agent.audit;

/** One line of human-readable text per record, for {@code audit show}. */
public final class Timeline {
    private Timeline() {}

    /** {@code <time>  #<seq>  <event>  <what happened>}. */
    public static String line(TransferRecord record) {
        return String.format("%s  #%-5d %-20s %s", record.timeText(), record.seq(), record.event().wireName(),
                describe(record));
    }

    /** What the record says happened, without its time and sequence number. */
    public static String describe(TransferRecord r) {
        return switch (r.event()) {
            case CODE_VERIFIED -> "code " + text(r, Field.CODE_ID) + " verified";
            case CAPTURED -> "entry " + id(r) + " sealed for code " + text(r, Field.CODE_ID) + ", "
                    + r.number(Field.ENVELOPE_LENGTH) + " bytes, photo sha256 " + shortHash(r, Field.PHOTO_SHA256);
            case UPLOAD_STARTED -> "entry " + id(r) + " upload started";
            case UPLOAD_RESUMED -> "entry " + id(r) + " upload resumed at byte " + r.number(Field.OFFSET);
            case DELIVERED -> "entry " + id(r) + " delivered: registry log index " + r.number(Field.LOG_INDEX)
                    + ", receipt sha256 " + shortHash(r, Field.RECEIPT_SHA256);
            case REJECTED -> "entry " + id(r) + " rejected by the registry: " + text(r, Field.REASON);
            case SPOOL_ENTRY_REMOVED -> "entry " + id(r) + " removed from the spool";
            case ENTRY_WITHDRAWN -> "entry " + id(r) + " withdrawn by the operator before delivery";
            case PAIRING_OPENED -> "pairing opened for the next photo with code " + text(r, Field.CODE_ID);
            case PAIRING_CLOSED -> "pairing with code " + text(r, Field.CODE_ID) + " closed: " + text(r, Field.REASON);
            case PHOTO_UNPAIRED -> "a photo arrived with no pairing (" + text(r, Field.REASON)
                    + "); sealed for no code";
            case KEY_CREATED -> "station key created, public key sha256 " + shortHash(r, Field.KEY_FINGERPRINT);
            case KEY_RENEWED -> "station key handed over to the new key with public key sha256 "
                    + shortHash(r, Field.KEY_FINGERPRINT) + " (the next checkpoint is the old key's signature)";
            case ENROLLED -> "enrolled as station " + text(r, Field.STATION_ID) + ", certificate sha256 "
                    + shortHash(r, Field.CERT_FINGERPRINT);
            case TRUST_UPDATED -> "trust bundle updated to sequence " + r.number(Field.SEQUENCE);
            case CHECKPOINT -> "checkpoint over records 1.." + r.number(Field.SIZE) + ", signed with certificate sha256 "
                    + shortHash(r, Field.CERT_FINGERPRINT);
            case LOG_REPAIRED -> "torn final line of " + r.number(Field.DISCARDED_BYTES) + " bytes discarded after a "
                    + "crash, sha256 " + shortHash(r, Field.DISCARDED_SHA256);
            case RETENTION_DELETED -> text(r, Field.KIND).toLowerCase(java.util.Locale.ROOT) + " of entry " + id(r)
                    + " deleted under retention rule " + text(r, Field.RULE);
            case PHOTO_DELETED -> text(r, Field.KIND).toLowerCase(java.util.Locale.ROOT) + " with photo sha256 "
                    + shortHash(r, Field.PHOTO_SHA256) + " deleted under retention rule " + text(r, Field.RULE);
        };
    }

    private static String id(TransferRecord record) {
        return shortHash(record, Field.ENTRY_ID);
    }

    private static String text(TransferRecord record, Field field) {
        return record.text(field).orElseThrow();
    }

    /** The first 12 hex digits: enough to find the entry, short enough to read. */
    private static String shortHash(TransferRecord record, Field field) {
        return text(record, field).substring(0, 12);
    }
}
