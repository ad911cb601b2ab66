package dev.codebound.protocol.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoundedCacheTest {
    @Test
    void forgetsTheLeastRecentlyUsedEntryWhenFull() {
        BoundedCache<String, Integer> cache = new BoundedCache<>(2);
        cache.put("a", 1);
        cache.put("b", 2);
        assertEquals(1, cache.get("a"), "a hit makes a the most recently used");
        cache.put("c", 3);
        assertNull(cache.get("b"), "b, the least recently used, is forgotten");
        assertEquals(1, cache.get("a"));
        assertEquals(3, cache.get("c"));
        assertEquals(2, cache.size());
    }

    @Test
    void refusesNoRoomAndNoValue() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedCache<String, Integer>(0));
        assertThrows(NullPointerException.class, () -> new BoundedCache<String, Integer>(1).put("a", null));
    }
}
