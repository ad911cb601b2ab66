package dev.codebound.server.transparency;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Maps envelope hashes to log indexes in about 32 bytes per entry: an open-addressing table of the
 * hashes' first 8 bytes and the entries' indexes. Equal prefixes are possible, so lookups return
 * candidates that the caller confirms against the entry on disk. Slots are chosen by mixing the
 * prefix with a per-process random seed, so a station cannot grind envelope hashes that pile into
 * one probe chain. Thread-safe.
 */
final class EnvelopeIndex {
    private static final long SEED = new SecureRandom().nextLong();
    private static final long[] NONE = new long[0];

    private long[] prefixes = new long[1024];
    /** Entry index + 1, so that 0 marks an empty slot. */
    private long[] slots = new long[1024];
    private int count;

    synchronized void put(byte[] envelopeSha256, long index) {
        if ((count + 1) * 4L >= slots.length * 3L) {
            grow();
        }
        insert(prefix(envelopeSha256), index + 1);
        count++;
    }

    /** Indexes of entries whose envelope hash starts with the same 8 bytes, in ascending order. */
    synchronized long[] candidates(byte[] envelopeSha256) {
        long prefix = prefix(envelopeSha256);
        long[] found = NONE;
        int mask = slots.length - 1;
        for (int slot = slotOf(prefix, mask); slots[slot] != 0; slot = (slot + 1) & mask) {
            if (prefixes[slot] == prefix) {
                found = Arrays.copyOf(found, found.length + 1);
                found[found.length - 1] = slots[slot] - 1;
            }
        }
        Arrays.sort(found);
        return found;
    }

    private void insert(long prefix, long value) {
        int mask = slots.length - 1;
        int slot = slotOf(prefix, mask);
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        prefixes[slot] = prefix;
        slots[slot] = value;
    }

    private void grow() {
        long[] oldPrefixes = prefixes;
        long[] oldSlots = slots;
        prefixes = new long[oldSlots.length * 2];
        slots = new long[oldSlots.length * 2];
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != 0) {
                insert(oldPrefixes[i], oldSlots[i]);
            }
        }
    }

    private static long prefix(byte[] envelopeSha256) {
        return ByteBuffer.wrap(envelopeSha256).getLong();
    }

    /** MurmurHash3's 64-bit finalizer over the seeded prefix. */
    private static int slotOf(long prefix, int mask) {
        long h = prefix ^ SEED;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
