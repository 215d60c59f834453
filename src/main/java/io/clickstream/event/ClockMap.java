package io.clickstream.event;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The entries of a cache on the heap, with the CLOCK ("second chance") order of leaving: the entries stand on a
 * ring, and a hand goes round it; an entry used since the hand last passed it has its mark cleared and stays, and
 * the first one found unmarked is the next to leave. Close to least recently used; the caller decides when entries
 * leave ({@link #nextToLeave}), by count or by bytes.
 *
 * <p>Why not an access-ordered {@link java.util.LinkedHashMap}: a hit there moves the entry to the end of a linked
 * list, about five reference writes into entries that live long and lie all over the heap. G1's write barrier
 * hands each reference written across heap regions to its concurrent refinement threads, which took about a fifth
 * of a core in every sustained RocksDB run, where these caches stand in front of RocksDB (docs/benchmarks.md,
 * twenty-ninth round). A hit here writes one boolean, which no barrier sees; references are written only when an
 * entry comes or goes.
 *
 * <p>Not thread-safe: one per operator instance, used from its task thread.
 */
public final class ClockMap<K, V> {
    /** What {@link #forEach} does with each entry. */
    @FunctionalInterface
    public interface EntryAction<K, V, E extends Exception> {
        void accept(K key, V value) throws E;
    }

    private static final class Node<K, V> {
        final K key;
        V value;
        /** Used since the hand last passed it (or since it came). */
        boolean used;
        /** Its place on {@link #ring}. */
        final int slot;

        Node(K key, V value, int slot) {
            this.key = key;
            this.value = value;
            this.slot = slot;
        }
    }

    private final HashMap<K, Node<K, V>> nodes;
    /** The entries in the hand's order, null where one left; slots from {@link #end} on were never handed out. */
    private Node<K, V>[] ring;
    private int end;
    /** The slots below {@link #end} that are free again. */
    private int[] free = new int[16];
    private int freeCount;
    /** The slot the hand is at. */
    private int hand;

    /** A map sized for {@code expected} entries (it grows past them). */
    @SuppressWarnings("unchecked")
    public ClockMap(int expected) {
        int n = Math.max(16, Math.min(expected, 1 << 16));
        nodes = new HashMap<>(n * 4 / 3 + 1);
        ring = (Node<K, V>[]) new Node[n];
    }

    /** The key's value, or null if it is not here; the entry is marked used. */
    public V get(Object key) {
        Node<K, V> n = nodes.get(key);
        if (n == null) {
            return null;
        }
        n.used = true;
        return n.value;
    }

    /** The key's value, or null if it is not here, leaving its mark alone (a look that is not a use). */
    public V peek(Object key) {
        Node<K, V> n = nodes.get(key);
        return n == null ? null : n.value;
    }

    /**
     * Sets the key's value; returns the one before, or null. A key already here is marked used; a new one comes
     * unmarked, in a slot another entry left or at the ring's end, and stays past the hand only if used before it
     * comes.
     */
    public V put(K key, V value) {
        Node<K, V> n = nodes.get(key);
        if (n != null) {
            V before = n.value;
            if (before != value) {   // the same object again: no reference written (see the class comment)
                n.value = value;
            }
            n.used = true;
            return before;
        }
        int slot = freeCount > 0 ? free[--freeCount] : end++;
        if (slot == ring.length) {
            ring = Arrays.copyOf(ring, ring.length * 2);
        }
        n = new Node<>(key, value, slot);
        ring[slot] = n;
        nodes.put(key, n);
        return null;
    }

    /** Removes the key; returns its value, or null if it was not here. */
    public V remove(Object key) {
        Node<K, V> n = nodes.remove(key);
        if (n == null) {
            return null;
        }
        ring[n.slot] = null;
        if (nodes.isEmpty()) {   // start the ring over, so that it does not keep the holes of a crowd that left
            Arrays.fill(ring, 0, end, null);
            end = 0;
            freeCount = 0;
            hand = 0;
        } else {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = n.slot;
        }
        return n.value;
    }

    /**
     * The key of the entry to leave next, other than {@code keep}'s (the one the caller is working on; null for
     * none): the hand moves on from where it stopped, clearing the marks of the used entries it passes, and stops at
     * the first unmarked one. Null if there is no other entry. The entry stays until the caller removes it.
     */
    public K nextToLeave(Object keep) {
        if (nodes.size() <= (keep != null && nodes.containsKey(keep) ? 1 : 0)) {
            return null;
        }
        while (true) {   // ends: after one round every entry but keep's is unmarked
            if (hand >= end) {
                hand = 0;
            }
            Node<K, V> n = ring[hand];
            if (n != null && !n.key.equals(keep)) {
                if (!n.used) {
                    return n.key;
                }
                n.used = false;
            }
            hand++;
        }
    }

    /** Calls {@code action} with every entry, in the ring's order. The action must not add or remove entries. */
    public <E extends Exception> void forEach(EntryAction<? super K, ? super V, E> action) throws E {
        for (int i = 0; i < end; i++) {
            Node<K, V> n = ring[i];
            if (n != null) {
                action.accept(n.key, n.value);
            }
        }
    }

    public int size() {
        return nodes.size();
    }
}
