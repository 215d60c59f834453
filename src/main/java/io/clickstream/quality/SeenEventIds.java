package io.clickstream.quality;

import java.util.Arrays;

/**
 * The eventIds one user sent within the dedup horizon, each with the processing time it was first seen: the
 * dedup's state as one value per user ({@link DeduplicateEvents.IdStore#ONE_VALUE}).
 *
 * <p>An id in the canonical lowercase UUID form (36 characters, what most producers send) is kept as its 128 bits
 * in two {@code long} arrays; any other id is kept as its string. Nothing is hashed away: two ids are the same
 * only if their strings are equal (an uppercase UUID is a string here, so it never matches its lowercase twin).
 * Against a {@code Map<String, Long>} this is about a fifth of the heap per id (no entry, string or boxed time
 * objects), and a checkpoint writes the three arrays as one block instead of each id character by character.
 *
 * <p>Lookups go through an open-addressing index of positions, built on first use and rebuilt when expired ids
 * are removed; checkpoints leave it out (a restored value builds it again), copies take it along.
 *
 * <p>Copies share the arrays. While a checkpoint runs, Flink's heap backend copies a user's value on the task
 * thread's first access and writes the original out on another thread; a copy of every array there copied the
 * whole dedup state once per checkpoint (at 49,000 events per second, 29 million ids after ten minutes), and held
 * it twice in the heap until the checkpoint ended. Ids are only ever appended, so the two can share the arrays:
 * the positions both hold are never written in place without cloning first ({@link #sharedPrefix}), and only the
 * copy writes past them ({@link #ownsTail}); the original reads no further than its own size. The copy takes
 * the index; the original builds its own if it is ever looked up again.
 */
public final class SeenEventIds {
    /** {@link #cleanupAt} when no cleanup timer is pending. */
    public static final long NO_CLEANUP = Long.MIN_VALUE;
    private static final int INITIAL_CAPACITY = 4;

    int size;
    long[] hi;
    long[] lo;
    long[] seenAt;
    /** The id at a position when it is not a UUID (null there otherwise); null while every id is a UUID. */
    String[] strings;
    /** When the user's pending cleanup timer fires, or {@link #NO_CLEANUP}. */
    long cleanupAt = NO_CLEANUP;

    /** Positions below {@link #size} are shared with a copy: clone the arrays before writing one in place. */
    private boolean sharedPrefix;
    /** Whether the array slots from {@link #size} up are this object's to write (false once it was copied). */
    private boolean ownsTail = true;

    /** Position + 1 of each id, 0 for a free slot; length a power of two, at most half full. Null until needed. */
    private int[] index;
    /** The bits of the id last looked up, if it was a UUID: {@link #append} after a miss reuses them. */
    private boolean lookedUpUuid;
    private long lookedUpHi;
    private long lookedUpLo;

    public SeenEventIds() {
        this(INITIAL_CAPACITY);
    }

    SeenEventIds(int capacity) {
        int c = Math.max(1, capacity);
        hi = new long[c];
        lo = new long[c];
        seenAt = new long[c];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long cleanupAt() {
        return cleanupAt;
    }

    public void setCleanupAt(long at) {
        cleanupAt = at;
    }

    /**
     * Records {@code id} as seen {@code now}, unless it was first seen less than {@code horizon} ms before: then
     * it is a repeat and nothing changes. An id seen longer ago (expired, not yet cleaned up) counts as new and
     * takes the new time. Returns whether the id is new.
     */
    public boolean firstSighting(String id, long now, long horizon) {
        int at = positionOf(id);
        if (at >= 0) {
            if (now < seenAt[at] + horizon) {
                return false;
            }
            if (sharedPrefix) {
                reallocate(seenAt.length);
            }
            seenAt[at] = now;
            return true;
        }
        append(id, now, lookedUpUuid);
        return true;
    }

    /** The time {@code id} was first seen, or null if it is not here. */
    public Long firstSeen(String id) {
        int at = positionOf(id);
        return at < 0 ? null : seenAt[at];
    }

    /** Adds an id known to be absent (from the map form's entries, which are distinct). */
    public void add(String id, long firstSeen) {
        boolean uuid = parse(id);
        append(id, firstSeen, uuid);
    }

    /**
     * Removes every id first seen {@code horizon} or more before {@code now}; returns the earliest first-seen time
     * of those left, or {@link Long#MAX_VALUE} if none are.
     */
    public long expire(long now, long horizon) {
        int first = 0;
        long earliest = Long.MAX_VALUE;
        while (first < size && now < seenAt[first] + horizon) {
            earliest = Math.min(earliest, seenAt[first]);
            first++;
        }
        if (first == size) {
            return earliest;
        }
        if (sharedPrefix) {
            reallocate(seenAt.length);
        }
        int kept = first;
        for (int i = first; i < size; i++) {
            long t = seenAt[i];
            if (now >= t + horizon) {
                continue;
            }
            earliest = Math.min(earliest, t);
            hi[kept] = hi[i];
            lo[kept] = lo[i];
            seenAt[kept] = t;
            if (strings != null) {
                strings[kept] = strings[i];
            }
            kept++;
        }
        if (strings != null) {
            Arrays.fill(strings, kept, size, null);
        }
        if (kept != size) {
            size = kept;
            index = null;
        }
        return earliest;
    }

    /** Calls {@code visitor} with each id and its first-seen time, in the order they were added. */
    public void forEach(IdVisitor visitor) throws Exception {
        for (int i = 0; i < size; i++) {
            visitor.visit(idAt(i), seenAt[i]);
        }
    }

    /** One id and when it was first seen. */
    @FunctionalInterface
    public interface IdVisitor {
        void visit(String id, long firstSeen) throws Exception;
    }

    String idAt(int i) {
        return strings != null && strings[i] != null ? strings[i] : uuidString(hi[i], lo[i]);
    }

    /**
     * A copy that behaves as an independent one and shares the arrays (see the class comment): it takes the index
     * and the right to append in place, and this object keeps only what it holds now. Changes nothing a checkpoint
     * writing this object reads (size, arrays, cleanup time), since one may be doing so on another thread.
     */
    SeenEventIds copy() {
        SeenEventIds c = new SeenEventIds(0);
        c.size = size;
        c.hi = hi;
        c.lo = lo;
        c.seenAt = seenAt;
        c.strings = strings;
        c.cleanupAt = cleanupAt;
        c.index = index;
        c.sharedPrefix = true;
        c.ownsTail = ownsTail;
        index = null;
        sharedPrefix = true;
        ownsTail = false;
        return c;
    }

    /** Moves the ids into arrays of {@code capacity} of this object's own. */
    private void reallocate(int capacity) {
        hi = Arrays.copyOf(hi, capacity);
        lo = Arrays.copyOf(lo, capacity);
        seenAt = Arrays.copyOf(seenAt, capacity);
        if (strings != null) {
            strings = Arrays.copyOf(strings, capacity);
        }
        sharedPrefix = false;
        ownsTail = true;
    }

    /** Appends {@code id}; {@code uuid}: it was just {@link #parse}d as one, its bits are in the lookup fields. */
    private void append(String id, long now, boolean uuid) {
        if (size == seenAt.length) {
            reallocate(Math.max(INITIAL_CAPACITY, size * 2));
        } else if (!ownsTail) {
            reallocate(seenAt.length);
        }
        if (uuid) {
            hi[size] = lookedUpHi;
            lo[size] = lookedUpLo;
            if (strings != null) {
                strings[size] = null;
            }
        } else {
            if (strings == null) {
                strings = new String[seenAt.length];
            }
            hi[size] = 0;
            lo[size] = 0;
            strings[size] = id;
        }
        seenAt[size] = now;
        size++;
        if (index != null) {
            if (size * 2 > index.length) {
                index = null;   // rebuilt larger on the next lookup
            } else {
                insert(index, size - 1);
            }
        }
    }

    private int positionOf(String id) {
        boolean uuid = parse(id);
        if (size == 0) {
            return -1;
        }
        if (index == null) {
            rebuildIndex();
        }
        int mask = index.length - 1;
        if (uuid) {
            long h = lookedUpHi;
            long l = lookedUpLo;
            for (int slot = mix(h ^ l) & mask; ; slot = (slot + 1) & mask) {
                int p = index[slot] - 1;
                if (p < 0) {
                    return -1;
                }
                if (hi[p] == h && lo[p] == l && (strings == null || strings[p] == null)) {
                    return p;
                }
            }
        }
        if (strings == null) {
            return -1;
        }
        for (int slot = mix(id.hashCode()) & mask; ; slot = (slot + 1) & mask) {
            int p = index[slot] - 1;
            if (p < 0) {
                return -1;
            }
            if (id.equals(strings[p])) {
                return p;
            }
        }
    }

    /** Whether {@code id} is a UUID; if so its bits are left in the lookup fields. */
    private boolean parse(String id) {
        lookedUpUuid = isUuid(id);
        if (lookedUpUuid) {
            lookedUpHi = hexBits(id, 0, 18);
            lookedUpLo = hexBits(id, 19, 36);
        }
        return lookedUpUuid;
    }

    private void rebuildIndex() {
        int capacity = Integer.highestOneBit(Math.max(8, size * 4) - 1) << 1;
        index = new int[capacity];
        for (int p = 0; p < size; p++) {
            insert(index, p);
        }
    }

    private void insert(int[] table, int p) {
        int mask = table.length - 1;
        int h = strings != null && strings[p] != null ? mix(strings[p].hashCode()) : mix(hi[p] ^ lo[p]);
        int slot = h & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = p + 1;
    }

    private static int mix(long x) {
        long h = x * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Canonical lowercase UUID: 8-4-4-4-12 lowercase hex digits. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The 64 bits of the hex digits in {@code [from, to)}, dashes skipped; the text is a checked UUID. */
    private static long hexBits(String s, int from, int to) {
        long bits = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '-') {
                bits = (bits << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
            }
        }
        return bits;
    }

    static String uuidString(long hi, long lo) {
        char[] out = new char[36];
        int o = 0;
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                out[o++] = '-';
            }
            long word = i < 16 ? hi : lo;
            int nibble = (int) (word >>> (60 - 4 * (i % 16))) & 0xF;
            out[o++] = (char) (nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
        }
        return new String(out);
    }
}
