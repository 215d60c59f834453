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
 * <p>Ids are held in the order they were first seen, in positions {@link #start} to {@link #end}: a new id is
 * appended, and an id seen again after it expired is retired where it was ({@link #RETIRED}) and appended anew.
 * So the expired ids are always a prefix, and {@link #expire} drops them by moving {@link #start} on, without
 * touching the arrays. Only once the dropped positions are a quarter of those held are the ids moved down and the
 * index rebuilt: a user's ids are moved a few times per horizon, not on every cleanup (which ran every sixtieth
 * of the horizon and moved all of them each time).
 *
 * <p>Lookups go through an open-addressing index of positions, built on first use and rebuilt when the ids move;
 * positions below {@link #start} or retired that it still holds are passed over. Checkpoints leave it out (a
 * restored value builds it again), copies take it along.
 *
 * <p>Copies share the arrays. While a checkpoint runs, Flink's heap backend copies a user's value on the task
 * thread's first access and writes the original out on another thread; a copy of every array there copied the
 * whole dedup state once per checkpoint (at 49,000 events per second, 29 million ids after ten minutes), and held
 * it twice in the heap until the checkpoint ended. Ids are only ever appended, so the two can share the arrays:
 * the positions both hold are never written in place without cloning first ({@link #sharedPrefix}), and only the
 * copy writes past them ({@link #ownsTail}); the original reads no further than its own end. The copy takes
 * the index; the original builds its own if it is ever looked up again.
 */
public final class SeenEventIds {
    /** {@link #cleanupAt} when no cleanup timer is pending. */
    public static final long NO_CLEANUP = Long.MIN_VALUE;
    /** The first-seen time of a retired position: its id was seen again after it expired, and moved to the end. */
    static final long RETIRED = Long.MIN_VALUE;
    private static final int INITIAL_CAPACITY = 4;

    /** The first position held; those below were dropped by {@link #expire}. */
    int start;
    /** One past the last position held. */
    int end;
    /** How many positions in [{@link #start}, {@link #end}) are {@link #RETIRED}. */
    int retired;
    long[] hi;
    long[] lo;
    long[] seenAt;
    /** The id at a position when it is not a UUID (null there otherwise); null while every id is a UUID. */
    String[] strings;
    /** When the user's pending cleanup timer fires, or {@link #NO_CLEANUP}. */
    long cleanupAt = NO_CLEANUP;

    /** Positions below {@link #end} are shared with a copy: clone the arrays before writing one in place. */
    private boolean sharedPrefix;
    /** Whether the array slots from {@link #end} up are this object's to write (false once it was copied). */
    private boolean ownsTail = true;

    /**
     * Position + 1 of each id, 0 for a free slot; length a power of two, at most half full (counting every position
     * up to {@link #end}). Null until needed.
     */
    int[] index;
    /** The bits of the id last looked up, if it was a UUID: {@link #append} after a miss reuses them. */
    private boolean lookedUpUuid;
    /**
     * The id whose parse the lookup fields hold, or null: the dedup asks its filters about an id and then looks it
     * up here ({@link #hashFor}, {@link #firstSighting}), and the second parse of the same string is skipped.
     */
    private String parsed;
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

    /** How many ids are held. */
    public int size() {
        return end - start - retired;
    }

    public boolean isEmpty() {
        return size() == 0;
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
            // Expired, still held: retired where it is and appended anew, so the ids stay in first-seen order.
            if (sharedPrefix) {
                unshare();
            }
            seenAt[at] = RETIRED;
            retired++;
        }
        append(id, now, lookedUpUuid);
        return true;
    }

    /** The time {@code id} was first seen, or null if it is not here. */
    public Long firstSeen(String id) {
        int at = positionOf(id);
        return at < 0 ? null : seenAt[at];
    }

    /**
     * Adds an id known to be absent (from the map form's entries, which are distinct). Ids must come in the order
     * they were first seen, or be put in it by {@link #orderByFirstSeen} after the last.
     */
    public void add(String id, long firstSeen) {
        boolean uuid = parse(id);
        append(id, firstSeen, uuid);
    }

    /**
     * Adds the id {@code from} holds last (the one its {@link #firstSighting} has just added), known to be absent
     * here, first seen at {@code firstSeen}: its 128 bits or its string as {@code from} holds them, without parsing
     * the id again. The same order rule as {@link #add}.
     */
    public void addLastOf(SeenEventIds from, long firstSeen) {
        int p = from.end - 1;
        String id = from.strings == null ? null : from.strings[p];
        if (id == null) {
            lookedUpHi = from.hi[p];
            lookedUpLo = from.lo[p];
            parsed = null;
        }
        append(id, firstSeen, id == null);
    }

    /**
     * Adds the ids {@code from} holds that are still within {@code horizon} at {@code now}; an id held in both keeps
     * the later of its two first-seen times (it was seen again after it expired). Ids go over as {@code from} holds
     * them, their 128 bits or their string: reading a user's blocks of ids in RocksDB once made each id a string and
     * parsed it twice, and when busy users left the cache and came back, that was a quarter of the dedup's task in a
     * sustained run (docs/benchmarks.md). Either object may be out of first-seen order afterwards
     * ({@link #orderByFirstSeen}).
     */
    public void addLive(SeenEventIds from, long now, long horizon) {
        for (int p = from.start; p < from.end; p++) {
            long firstSeen = from.seenAt[p];
            if (firstSeen == RETIRED || now >= firstSeen + horizon) {
                continue;
            }
            String id = from.strings == null ? null : from.strings[p];
            boolean uuid = id == null;
            if (uuid) {
                lookedUpHi = from.hi[p];
                lookedUpLo = from.lo[p];
                parsed = null;
            }
            int at = probe(uuid, id);
            if (at >= 0) {
                if (firstSeen <= seenAt[at]) {
                    continue;
                }
                if (sharedPrefix) {
                    unshare();
                }
                seenAt[at] = RETIRED;
                retired++;
            }
            append(id, firstSeen, uuid);
        }
    }

    /**
     * Calls {@code visitor} with the hash ({@link #hashAt}) and first-seen time of each id still within {@code horizon}
     * at {@code now}: a user's blocks into the dedup's filters.
     */
    void forEachLiveHash(long now, long horizon, HashVisitor visitor) {
        for (int p = start; p < end; p++) {
            long firstSeen = seenAt[p];
            if (firstSeen != RETIRED && now < firstSeen + horizon) {
                visitor.visit(hashAt(p), firstSeen);
            }
        }
    }

    /** One id's hash and when it was first seen. */
    @FunctionalInterface
    interface HashVisitor {
        void visit(long hash, long firstSeen);
    }

    /** The hash {@code id} has once held ({@link #hashAt}); its parse is kept for a lookup of the same id next. */
    long hashFor(String id) {
        return parse(id) ? hashOf(lookedUpHi, lookedUpLo) : hashOf(id);
    }

    /** The hash of the id at position {@code p}: of its 128 bits if it is a UUID, else of its string. */
    long hashAt(int p) {
        String id = strings == null ? null : strings[p];
        return id == null ? hashOf(hi[p], lo[p]) : hashOf(id);
    }

    private static long hashOf(long hi, long lo) {
        return IdFilter.mix(hi * 0x9E3779B97F4A7C15L + lo);
    }

    private static long hashOf(String id) {
        long h = 0xcbf29ce484222325L;   // FNV-1a over the chars, then mixed
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        return IdFilter.mix(h);
    }

    /**
     * Removes every id first seen {@code horizon} or more before {@code now}; returns the earliest first-seen time
     * of those left, or {@link Long#MAX_VALUE} if none are.
     *
     * <p>The expired ids are the ones before the first id still within the horizon (if the clock stepped back, an
     * id later in the order may have expired first: it waits for the ones before it, and counts as absent all the
     * same). Dropping them moves {@link #start} only; the ids left move down once a quarter of the positions up to
     * {@link #end} are dropped or retired.
     */
    public long expire(long now, long horizon) {
        while (start < end && now >= seenAt[start] + horizon) {
            if (seenAt[start] == RETIRED) {
                retired--;
            }
            start++;
        }
        if (start == end) {
            clear();
            return Long.MAX_VALUE;
        }
        long earliest = seenAt[start];
        if ((start + retired) * 4 >= end) {
            int live = size();
            repack(live * 4 < seenAt.length ? Math.max(INITIAL_CAPACITY, live * 2) : seenAt.length);
        }
        return earliest;
    }

    /**
     * Puts ids added out of order (the map form's entries come in hash order; a value from an earlier version may
     * hold an id seen again in its old position) in the order they were first seen, which {@link #expire} needs.
     */
    public void orderByFirstSeen() {
        boolean ordered = true;
        for (int i = start + 1; i < end && ordered; i++) {
            ordered = seenAt[i - 1] <= seenAt[i];
        }
        if (ordered) {
            return;
        }
        Integer[] order = new Integer[size()];
        int n = 0;
        for (int i = start; i < end; i++) {
            if (seenAt[i] != RETIRED) {
                order[n++] = i;
            }
        }
        long[] t = seenAt;
        Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));   // stable: ids seen at the same time keep their order
        long[] h = new long[seenAt.length];
        long[] l = new long[seenAt.length];
        long[] s = new long[seenAt.length];
        String[] str = strings == null ? null : new String[seenAt.length];
        for (int i = 0; i < n; i++) {
            copyPosition(order[i], i, h, l, s, str);
        }
        adopt(h, l, s, str, n);
        index = null;
    }

    /** Calls {@code visitor} with each id and its first-seen time, in the order they were first seen. */
    public void forEach(IdVisitor visitor) throws Exception {
        for (int i = start; i < end; i++) {
            if (seenAt[i] != RETIRED) {
                visitor.visit(idAt(i), seenAt[i]);
            }
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
     * writing this object reads (positions, arrays, cleanup time), since one may be doing so on another thread.
     */
    SeenEventIds copy() {
        SeenEventIds c = new SeenEventIds(0);
        c.start = start;
        c.end = end;
        c.retired = retired;
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

    /** Empty, in small arrays of its own. */
    private void clear() {
        hi = new long[INITIAL_CAPACITY];
        lo = new long[INITIAL_CAPACITY];
        seenAt = new long[INITIAL_CAPACITY];
        strings = null;
        start = 0;
        end = 0;
        retired = 0;
        index = null;
        sharedPrefix = false;
        ownsTail = true;
    }

    /** Clones the arrays, positions unchanged, so this object can write any of them. */
    private void unshare() {
        hi = hi.clone();
        lo = lo.clone();
        seenAt = seenAt.clone();
        if (strings != null) {
            strings = strings.clone();
        }
        sharedPrefix = false;
        ownsTail = true;
    }

    /**
     * Moves the ids held, without the retired positions, down to positions from 0 in arrays of {@code capacity}:
     * the same arrays when they are this object's own and of that length, new ones otherwise. If any position
     * changes, the index is rebuilt on the next lookup; if none does (arrays that only grow), it stays.
     */
    private void repack(int capacity) {
        boolean samePositions = start == 0 && retired == 0;
        boolean inPlace = capacity == seenAt.length && !sharedPrefix && ownsTail;
        long[] h = inPlace ? hi : new long[capacity];
        long[] l = inPlace ? lo : new long[capacity];
        long[] t = inPlace ? seenAt : new long[capacity];
        String[] str = strings == null ? null : inPlace ? strings : new String[capacity];
        int kept = 0;
        for (int i = start; i < end; i++) {
            if (seenAt[i] != RETIRED) {
                copyPosition(i, kept++, h, l, t, str);
            }
        }
        if (str != null && inPlace) {
            Arrays.fill(str, kept, end, null);
        }
        adopt(h, l, t, str, kept);
        if (!samePositions) {
            index = null;
        }
    }

    /** Copies the id at position {@code from} to position {@code to} of the given arrays. */
    private void copyPosition(int from, int to, long[] h, long[] l, long[] t, String[] str) {
        h[to] = hi[from];
        l[to] = lo[from];
        t[to] = seenAt[from];
        if (str != null) {
            str[to] = strings[from];
        }
    }

    /** Takes arrays of its own holding {@code n} ids from position 0. */
    private void adopt(long[] h, long[] l, long[] t, String[] str, int n) {
        hi = h;
        lo = l;
        seenAt = t;
        strings = str;
        start = 0;
        end = n;
        retired = 0;
        sharedPrefix = false;
        ownsTail = true;
    }

    /** Appends {@code id}; {@code uuid}: it was just {@link #parse}d as one, its bits are in the lookup fields. */
    private void append(String id, long now, boolean uuid) {
        if (end == seenAt.length) {
            repack(Math.max(INITIAL_CAPACITY, size() * 2));   // grows, or only moves down past dropped positions
        } else if (!ownsTail) {
            unshare();
        }
        if (uuid) {
            hi[end] = lookedUpHi;
            lo[end] = lookedUpLo;
            if (strings != null) {
                strings[end] = null;
            }
        } else {
            if (strings == null) {
                strings = new String[seenAt.length];
            }
            hi[end] = 0;
            lo[end] = 0;
            strings[end] = id;
        }
        seenAt[end] = now;
        end++;
        if (index != null) {
            if (end * 2 > index.length) {
                index = null;   // rebuilt larger on the next lookup
            } else {
                insert(index, end - 1);
            }
        }
    }

    /** The position of {@code id}, or -1; the index may still hold dropped and retired positions, passed over. */
    private int positionOf(String id) {
        return probe(parse(id), id);
    }

    /**
     * The position of the UUID in the lookup fields ({@code uuid}) or else of the string {@code id}, or -1; the index
     * may still hold dropped and retired positions, passed over.
     */
    private int probe(boolean uuid, String id) {
        if (start == end) {
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
                if (hi[p] == h && lo[p] == l && (strings == null || strings[p] == null) && held(p)) {
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
            if (id.equals(strings[p]) && held(p)) {
                return p;
            }
        }
    }

    private boolean held(int p) {
        return p >= start && seenAt[p] != RETIRED;
    }

    /**
     * Whether {@code id} is a canonical lowercase UUID (8-4-4-4-12 lowercase hex digits); if so its bits are left in
     * the lookup fields. One pass: the digits are checked and taken together.
     */
    private boolean parse(String id) {
        if (id != null && id == parsed) {
            return lookedUpUuid;
        }
        parsed = null;
        lookedUpUuid = false;
        if (id.length() != 36) {
            return false;
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
                continue;
            }
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return false;
            }
            if (i < 18) {
                h = (h << 4) | digit;
            } else {
                l = (l << 4) | digit;
            }
        }
        lookedUpHi = h;
        lookedUpLo = l;
        lookedUpUuid = true;
        parsed = id;
        return true;
    }

    static boolean isUuid(String s) {
        return new SeenEventIds(1).parse(s);
    }

    private void rebuildIndex() {
        int capacity = Integer.highestOneBit(Math.max(8, end * 4) - 1) << 1;
        index = new int[capacity];
        for (int p = start; p < end; p++) {
            if (seenAt[p] != RETIRED) {
                insert(index, p);
            }
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
