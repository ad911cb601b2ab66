package dev.codebound.server.registry;

/**
 * Serializes changes of the same record in the embedded stores, so that a check and the write that
 * depends on it (is this token still unused? is this code already revoked?) are one step. Keys are
 * spread over a fixed number of stripes: changes of different records run concurrently unless their
 * keys share a stripe, which for these rare administrative changes costs at most one wait for
 * another record's write, and the memory stays fixed however many records there are.
 */
final class RecordLocks {
    private static final int STRIPES = 64;

    private final Object[] stripes = new Object[STRIPES];

    RecordLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** The monitor that guards changes of the record named {@code key}. */
    Object of(String key) {
        return stripes[Math.floorMod(key.hashCode(), STRIPES)];
    }
}
