package io.clickstream.quality;

import java.util.Arrays;

/**
 * Every eventId the dedup's blocks form holds within the horizon, for all the users of an operator subtask, as
 * filters ({@link IdFilter}: "perhaps held" or "certainly not") by when the ids were first seen: one filter per
 * slice of a quarter of the horizon. A slice goes whole once every id in it has expired, so the filters hold what
 * the horizon holds (and up to a slice more), about 3 bytes per id with their room to grow (2.73 over a first hour,
 * {@code DedupMemoryBench}), and are never built again.
 *
 * <p>Why one filter for all users, by time: a filter per user has to be rebuilt from the user's blocks once its
 * oldest ids expire, and in a cache whose users' filters outgrow its memory, a user who left it was read back whole
 * on its next event. In a sustained run on RocksDB at 40,000 events per second that started after about seven
 * minutes (its filters had filled the cache) and took the job from about one core to both: reading and rewriting
 * blocks were half the dedup's task (docs/benchmarks.md, twenty-fourth round). Here a user who left the cache costs
 * nothing to come back: its ids are in the filters whether it is held or not.
 *
 * <p>A lookup reads one cache line per filter (five or six live slices, and a few segments in a slice that grew
 * past its first size), so about one absent id in a few hundred answers "perhaps" and is looked up in the user's
 * blocks. An id's hash here is its own ({@link SeenEventIds#hashFor}) mixed with its user's ({@link #hash}): the
 * same id from two users is two ids.
 */
public final class SlicedIdFilter {
    /** The slices in a horizon: more keep less memory past the horizon (a slice's worth), fewer read fewer lines. */
    static final int SLICES_PER_HORIZON = 4;
    /**
     * The fewest ids a slice's first segment is sized for (128 KiB of bits): the first slices of a run grow from
     * it, later ones start at the size of the largest before.
     */
    static final int LEAST_IDS = 1 << 16;

    private final long horizon;
    private final long slice;
    /** The slices' numbers (first-seen time / {@link #slice}), ascending, and their filters. */
    private long[] numbers = new long[0];
    private IdFilter[] filters = new IdFilter[0];
    /** The earliest and the latest first-seen time each slice was given. */
    private long[] since = new long[0];
    private long[] until = new long[0];
    /** When the earliest slice expires: every id in it first seen {@link #horizon} or more ago. */
    private long nextExpiry = Long.MAX_VALUE;

    /** Filters of the ids of a {@code horizon} (ms). */
    public SlicedIdFilter(long horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("a horizon of " + horizon + " ms: give at least 1");
        }
        this.horizon = horizon;
        this.slice = Math.max(1, horizon / SLICES_PER_HORIZON);
    }

    /** The hash of a user's id: its own hash ({@link SeenEventIds#hashFor}) mixed with the user key's. */
    static long hash(Object user, long idHash) {
        return IdFilter.mix(idHash + user.hashCode() * 0x9E3779B97F4A7C15L);
    }

    /** Adds an id's {@link #hash}, first seen at {@code firstSeen}. */
    public void add(long hash, long firstSeen) {
        long number = Math.floorDiv(firstSeen, slice);
        int i = numbers.length - 1;
        while (i >= 0 && numbers[i] > number) {
            i--;
        }
        if (i < 0 || numbers[i] != number) {
            i = insertAfter(i, number, firstSeen);
        }
        since[i] = Math.min(since[i], firstSeen);
        until[i] = Math.max(until[i], firstSeen);
        IdFilter f = filters[i];
        if (f.full()) {
            f.grow(room(i));
        }
        f.add(hash);
    }

    /**
     * What a full slice grows by: in the latest slice, the ids it will get until its end at the rate its ids were
     * first seen so far (over at least a second), and a quarter more, so that the first slice of a run, which starts
     * small, grows once rather than in a pile of segments, each a line more to read for every lookup; in an earlier
     * one (a user's blocks read after a restore), twice what it holds.
     */
    private int room(int i) {
        long held = filters[i].size();
        if (i < numbers.length - 1) {
            return (int) Math.min(IdFilter.MOST_IDS, 2 * held);
        }
        long elapsed = Math.max(1_000, until[i] - since[i] + 1);
        long left = Math.max(0, (numbers[i] + 1) * slice - until[i]);
        double more = (double) held * left / elapsed;
        return (int) Math.min(IdFilter.MOST_IDS, Math.max(held / 4, more + more / 4));
    }

    /** Whether an id of this {@link #hash} may have been added and not expired at {@code now}. */
    boolean mightContain(long hash, long now) {
        if (now >= nextExpiry) {
            expire(now);
        }
        for (IdFilter f : filters) {
            if (f.mightContain(hash)) {
                return true;
            }
        }
        return false;
    }

    /** The slices whose every id has expired at {@code now} go. */
    private void expire(long now) {
        int gone = 0;
        while (gone < numbers.length && expiry(numbers[gone]) <= now) {
            gone++;
        }
        numbers = Arrays.copyOfRange(numbers, gone, numbers.length);
        filters = Arrays.copyOfRange(filters, gone, filters.length);
        since = Arrays.copyOfRange(since, gone, since.length);
        until = Arrays.copyOfRange(until, gone, until.length);
        nextExpiry = numbers.length == 0 ? Long.MAX_VALUE : expiry(numbers[0]);
    }

    /** When every id of slice {@code number} has expired: its last millisecond's ids, a horizon later. */
    private long expiry(long number) {
        return (number + 1) * slice - 1 + horizon;
    }

    /**
     * A new slice after position {@code i} (-1: first), its first id seen at {@code firstSeen}, sized for the most ids
     * any slice holds and a quarter more; returns its position.
     */
    private int insertAfter(int i, long number, long firstSeen) {
        long most = LEAST_IDS;
        for (IdFilter f : filters) {
            most = Math.max(most, f.size());
        }
        int at = i + 1;
        IdFilter[] f = new IdFilter[filters.length + 1];
        System.arraycopy(filters, 0, f, 0, at);
        f[at] = new IdFilter((int) Math.min(IdFilter.MOST_IDS, most + most / 4));
        System.arraycopy(filters, at, f, at + 1, filters.length - at);
        filters = f;
        numbers = insert(numbers, at, number);
        since = insert(since, at, firstSeen);
        until = insert(until, at, firstSeen);
        nextExpiry = Math.min(nextExpiry, expiry(number));
        return at;
    }

    /** {@code a} with {@code value} at {@code at}, the elements from there on one further. */
    private static long[] insert(long[] a, int at, long value) {
        long[] b = new long[a.length + 1];
        System.arraycopy(a, 0, b, 0, at);
        b[at] = value;
        System.arraycopy(a, at, b, at + 1, a.length - at);
        return b;
    }

    /** How many slices are held (none expired as of the last lookup). */
    int slices() {
        return filters.length;
    }

    /** How many ids were added to the slices held. */
    public long size() {
        long ids = 0;
        for (IdFilter f : filters) {
            ids += f.size();
        }
        return ids;
    }

    /** The bits' bytes of every slice held. */
    public long bytes() {
        long bytes = 0;
        for (IdFilter f : filters) {
            bytes += f.bytes();
        }
        return bytes;
    }
}
