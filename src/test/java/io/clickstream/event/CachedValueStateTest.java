package io.clickstream.event;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CachedValueStateTest {

    /** A keyed value state over a map, which counts the reads and writes that reach it. */
    static final class Backend implements ValueState<String>, KeyContext {
        final Map<Object, String> values = new HashMap<>();
        Object key;
        int reads;
        int writes;

        @Override
        public String value() {
            reads++;
            return values.get(key);
        }

        @Override
        public void update(String value) {
            writes++;
            values.put(key, value);
        }

        @Override
        public void clear() {
            writes++;
            values.remove(key);
        }

        @Override
        public void setCurrentKey(Object key) {
            this.key = key;
        }

        @Override
        public Object getCurrentKey() {
            return key;
        }
    }

    @Test
    void aCachedKeyIsReadFromTheBackendOnceAndItsChangesReachTheBackendOnlyAtTheFlush() throws Exception {
        Backend b = new Backend();
        b.values.put("u1", "stored");
        CachedValueState<String> cache = new CachedValueState<>(b, b, 10);
        b.setCurrentKey("u1");

        assertEquals("stored", cache.value());
        cache.update("a");
        assertEquals("a", cache.value());
        cache.update("b");
        assertEquals(1, b.reads);
        assertEquals(0, b.writes);
        assertEquals("stored", b.values.get("u1"));

        b.setCurrentKey("u2");
        cache.update("new");   // a value replaced whole is not read first
        assertEquals(1, b.reads);

        cache.flush();
        assertEquals(Map.of("u1", "b", "u2", "new"), b.values);
        assertEquals(2, b.writes);
        assertEquals("u2", b.getCurrentKey(), "the flush leaves the current key as it found it");

        cache.flush();
        assertEquals(2, b.writes, "an unchanged key is not written again");
    }

    @Test
    void aClearedKeyIsRemovedFromTheBackendAtTheFlushAndReadsAsNullMeanwhile() throws Exception {
        Backend b = new Backend();
        b.values.put("u1", "stored");
        CachedValueState<String> cache = new CachedValueState<>(b, b, 10);
        b.setCurrentKey("u1");

        cache.clear();
        assertNull(cache.value());
        assertEquals(0, b.reads);
        assertEquals("stored", b.values.get("u1"));
        cache.flush();
        assertFalse(b.values.containsKey("u1"));
    }

    @Test
    void beyondItsCapacityAKeyNotUsedSinceItCameIsWrittenBackIfChangedAndDropped() throws Exception {
        Backend b = new Backend();
        b.values.put("u3", "three");
        CachedValueState<String> cache = new CachedValueState<>(b, b, 2);
        b.setCurrentKey("u1");
        cache.update("one");
        b.setCurrentKey("u2");
        cache.update("two");
        b.setCurrentKey("u1");
        cache.value();                 // u1 used again: the hand passes over it once; u2 was not

        b.setCurrentKey("u3");
        assertEquals("three", cache.value());
        assertEquals(Map.of("u2", "two", "u3", "three"), b.values, "u2 left the cache and was written back");
        assertEquals("u3", b.getCurrentKey(), "the eviction leaves the current key as it found it");
        assertEquals(2, cache.size());

        b.setCurrentKey("u1");
        cache.value();                 // u1 used again; u3 not since it came
        b.setCurrentKey("u2");
        assertEquals("two", cache.value(), "an evicted key is read back from the backend");
        assertEquals(2, b.reads);
        assertEquals(1, b.writes, "u3 left unchanged: nothing to write");
        cache.flush();
        assertEquals(Map.of("u1", "one", "u2", "two", "u3", "three"), b.values);
    }

    @Test
    void aCacheOfNoKeysIsRefusedWithWhatToDoInstead() {
        Backend b = new Backend();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CachedValueState<>(b, b, 0));
        assertEquals("a cache of 0 keys: give at least 1, or use the state itself", e.getMessage());
    }
}
