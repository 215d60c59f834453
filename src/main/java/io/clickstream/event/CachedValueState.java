package io.clickstream.event;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.KeyContext;

import java.io.IOException;

/**
 * A keyed value state whose recently used keys' values stay on the heap between checkpoints, in front of a backend
 * that serializes on every access (RocksDB).
 *
 * <p>Why: in RocksDB a per-user operator that reads and writes its user's value on every event pays a JNI call,
 * a key serialization and a value (de)serialization each way, per event; in a profile of the full pipeline on
 * RocksDB those calls were most of the task's time. A user seen again soon costs a hash lookup here instead, and its
 * changes reach RocksDB once per checkpoint.
 *
 * <p>How it stays exactly-once: the operator calls {@link #flush} from {@code prepareSnapshotPreBarrier}, which
 * Flink runs on the task thread before the checkpoint barrier goes downstream and before the state is snapshotted,
 * so every snapshot holds every change made before its barrier. A failure restores that snapshot and the sources
 * replay what came after, as without the cache. The cache holds at most {@code capacity} keys: past that, a key
 * not used lately ({@link ClockMap#nextToLeave}) is written back (if changed) and dropped. The values handed out
 * are the cached objects, so a caller may change one in place, and then calls {@link #update} to mark it changed.
 *
 * <p>Only for backends that serialize: on the heap backend a value already is a reference, and this would only
 * add a second lookup.
 */
public final class CachedValueState<V> implements ValueState<V> {
    private final ValueState<V> backend;
    private final KeyContext keys;
    private final int capacity;
    /** The cached keys, in the order of leaving of a {@link ClockMap}. */
    private final ClockMap<Object, Entry<V>> entries;

    private static final class Entry<V> {
        V value;
        /** Changed since it was read or last written back. */
        boolean changed;

        Entry(V value, boolean changed) {
            this.value = value;
            this.changed = changed;
        }
    }

    /**
     * @param backend the state in the backend, scoped to the current key by {@code keys}
     * @param keys    the operator, whose current key this follows and which it sets to write a key back
     * @param capacity the most keys kept, at least 1
     */
    public CachedValueState(ValueState<V> backend, KeyContext keys, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cache of " + capacity + " keys: give at least 1, or use the state itself");
        }
        this.backend = backend;
        this.keys = keys;
        this.capacity = capacity;
        this.entries = new ClockMap<>(capacity);
    }

    @Override
    public V value() throws IOException {
        Object key = keys.getCurrentKey();
        Entry<V> e = entries.get(key);
        if (e == null) {
            e = new Entry<>(backend.value(), false);
            add(key, e);
        }
        return e.value;
    }

    @Override
    public void update(V value) throws IOException {
        set(value);
    }

    @Override
    public void clear() {
        try {
            set(null);
        } catch (IOException e) {
            throw new IllegalStateException("writing back the value of a key leaving the cache failed", e);
        }
    }

    private void set(V value) throws IOException {
        Object key = keys.getCurrentKey();
        Entry<V> e = entries.get(key);
        if (e == null) {
            add(key, new Entry<>(value, true));   // no read: the value is replaced whole
        } else {
            if (e.value != value) {   // most updates hand back the cached object; writing it again costs a G1 barrier
                e.value = value;
            }
            e.changed = true;
        }
    }

    private void add(Object key, Entry<V> e) throws IOException {
        entries.put(key, e);
        if (entries.size() > capacity) {
            Object out = entries.nextToLeave(key);
            Entry<V> leaving = entries.remove(out);
            if (leaving.changed) {
                keys.setCurrentKey(out);
                write(leaving.value);
                keys.setCurrentKey(key);
            }
        }
    }

    /** Writes every changed key's value to the backend; the keys stay cached. Before every checkpoint. */
    public void flush() throws IOException {
        Object current = keys.getCurrentKey();
        boolean[] wrote = {false};
        entries.forEach((key, entry) -> {
            if (entry.changed) {
                keys.setCurrentKey(key);
                write(entry.value);
                entry.changed = false;
                wrote[0] = true;
            }
        });
        if (wrote[0] && current != null) {
            keys.setCurrentKey(current);
        }
    }

    private void write(V value) throws IOException {
        if (value == null) {
            backend.clear();
        } else {
            backend.update(value);
        }
    }

    /** How many keys are cached; for tests. */
    int size() {
        return entries.size();
    }
}
