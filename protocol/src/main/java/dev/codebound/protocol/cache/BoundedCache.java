package dev.codebound.protocol.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A thread-safe map of at most a fixed number of entries that forgets the least recently used
 * first, for caches whose keys an outsider can choose (certificates, codes): however many distinct
 * keys arrive, the memory stays bounded. Callers compute a missing value outside the cache, so
 * that no lock is held across the work the cache saves; two threads may then both compute it, and
 * the later {@link #put} simply replaces an equal value.
 *
 * @param <K> keys, compared by {@code equals} (give byte arrays a wrapper that compares contents)
 * @param <V> values, never {@code null}
 */
public final class BoundedCache<K, V> {
    private final int capacity;
    private final Map<K, V> entries;

    /** An empty cache of at most {@code capacity} entries. */
    public BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cache holds at least one entry, not " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 256), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.capacity;
            }
        };
    }

    /** The value of {@code key}, or {@code null}; a hit counts as a use. */
    public synchronized V get(K key) {
        return entries.get(key);
    }

    /** Remembers {@code value} for {@code key}, forgetting the least recently used entry when full. */
    public synchronized void put(K key, V value) {
        entries.put(key, Objects.requireNonNull(value, "value"));
    }

    /** How many entries are remembered. */
    public synchronized int size() {
        return entries.size();
    }
}
