package io.clickstream.quality;

import io.clickstream.event.ClockMap;

import java.util.HashSet;
import java.util.Set;

/**
 * The eventIds of the users the dedup saw most recently, with their pending cleanup times, on the heap, in front
 * of its blocks of ids in RocksDB ({@link DeduplicateEvents.IdStore#BLOCKS}); and the filters of every id within the
 * horizon ({@link SlicedIdFilter}). The ids a user sends are held here and gathered ({@link User#unwritten}) to be
 * written as one block before the next checkpoint ({@link #flush}), or when the user leaves.
 *
 * <p>Why: in RocksDB nearly every event's id is new. Asking RocksDB for it is a {@code get} that finds nothing,
 * and storing it a {@code put}: JNI calls, the key serialized, the memtable searched and written, and later flushed
 * and compacted. In the profiles of the full pipeline on RocksDB the lookups were about a quarter of the dedup's
 * task, and with them answered here the puts were a fifth; a checkpoint now writes one block per user that sent
 * new ids, not one entry per id (docs/benchmarks.md, nineteenth round). An id the user holds here is judged by its
 * first-seen time; one it does not hold, by the filters: "certainly not seen" for nearly every new id, and only a
 * "perhaps" is looked up in the user's blocks.
 *
 * <p>The ids held are bounded by memory, not users: past the budget users not used lately leave ({@link
 * ClockMap#nextToLeave}; their unwritten ids written first), down to three quarters of it, never the one at hand.
 * A user who comes back starts with no ids held, as its ids are in the filters: its blocks are read once in a run,
 * on its first event, to put them there ({@link #known}). The filters are not part of the budget: they take about
 * 3 bytes per id within the horizon, whoever sent it ({@link SlicedIdFilter}).
 */
final class RecentIds {
    /** What an id held on the heap takes, on average ({@code DedupMemoryBench}, docs/benchmarks.md). */
    static final int ID_BYTES = 46;
    /** What a user held takes besides its ids, about: its two map entries, its objects and their empty arrays. */
    static final int USER_BYTES = 300;

    /** Writes a user's {@link User#unwritten} ids as a block (setting the current key to the user's). */
    @FunctionalInterface
    interface WriteBack {
        void write(Object user, User held) throws Exception;
    }

    /** One user's ids on the heap. */
    static final class User {
        /** The ids the user sent since it came into the cache, in first-seen order, with the pending cleanup time. */
        SeenEventIds ids;
        /** The bytes {@link RecentIds} counts for this user. */
        private long counted;
        /** The ids seen since the user's blocks were read or last written, or null if none. */
        SeenEventIds unwritten;
        /** The latest first-seen time in {@link #unwritten}. */
        long unwrittenLatest = Long.MIN_VALUE;
        /** The key of the user's latest block in state, or a key at least as late; {@link Long#MIN_VALUE} if none. */
        long lastBlock;

        User(SeenEventIds ids, long lastBlock) {
            this.ids = ids;
            this.lastBlock = lastBlock;
        }

        /**
         * Notes the id just added to {@link #ids} (its last), first seen at {@code at}, to be written with the next
         * block: copied as {@link #ids} holds it, so a UUID is not parsed a second time.
         */
        void seen(long at) {
            if (unwritten == null) {
                unwritten = new SeenEventIds();
            }
            unwritten.addLastOf(ids, at);
            unwrittenLatest = Math.max(unwrittenLatest, at);
        }

        /**
         * The key of the next block: the latest first-seen time in it (a block is removed once that is past the
         * horizon), or one more than the last block's if the clock has not moved on, so no block replaces another.
         */
        long nextBlock() {
            return lastBlock == Long.MIN_VALUE ? unwrittenLatest : Math.max(unwrittenLatest, lastBlock + 1);
        }

        /** The unwritten ids were written as block {@code key}. */
        void written(long key) {
            lastBlock = key;
            unwritten = null;
            unwrittenLatest = Long.MIN_VALUE;
        }

        /** What the user takes on the heap, about: {@value #ID_BYTES} bytes per id held, and {@value #USER_BYTES}. */
        long bytes() {
            return (long) ids.size() * ID_BYTES + USER_BYTES;
        }
    }

    private final long budget;
    private final WriteBack writeBack;
    private long held;
    /** The users held, in the order of leaving of a {@link ClockMap}. */
    private final ClockMap<Object, User> users = new ClockMap<>(1024);
    /** Every id within the horizon of the users {@link #known}. */
    private final SlicedIdFilter filter;
    /** The users whose blocks were read in this run: their ids are in {@link #filter}, held here or not. */
    private final Set<Object> known = new HashSet<>(1024);
    /** The latest block key of any user that left: a user who comes back writes later keys (see {@link #returning}). */
    private long leftLastBlock = Long.MIN_VALUE;

    /**
     * {@code budget}: the most bytes held in all ({@link User#bytes}), at least one user's with one id;
     * {@code horizon}: how long an id is remembered, for the filters.
     */
    RecentIds(long budget, long horizon, WriteBack writeBack) {
        if (budget < ID_BYTES + USER_BYTES) {
            throw new IllegalArgumentException("a budget of " + budget + " bytes holds no user: give at least "
                    + (ID_BYTES + USER_BYTES) + ", or no cache");
        }
        this.budget = budget;
        this.writeBack = writeBack;
        this.filter = new SlicedIdFilter(horizon);
    }

    /** The user's ids, or null if they are not here; a use, which keeps the user here for longer. */
    User get(Object user) {
        return users.get(user);
    }

    /**
     * The user's ids, or null if they are not here, leaving the order of use alone: for a cleanup timer, which fires
     * for every user active within the horizon and says nothing about which users are busy now.
     */
    User peek(Object user) {
        return users.peek(user);
    }

    /** Holds {@code ids} as the user's: new, read from its blocks, or {@link #returning}. */
    void put(Object user, User ids) throws Exception {
        User before = users.put(user, ids);
        if (before != null && before != ids) {
            held -= before.counted;
        }
        count(ids);
        trim(user);
    }

    /** The held {@code user}'s ids changed (an id added, ids expired). */
    void changed(Object user, User ids) throws Exception {
        count(ids);
        trim(user);
    }

    /** Forgets the user, whose ids have all expired: its blocks are read again if it comes back. */
    void remove(Object user) {
        known.remove(user);
        User ids = users.remove(user);
        if (ids != null) {
            held -= ids.counted;
        }
    }

    /** Writes every user's unwritten ids; the users stay. Before every checkpoint. */
    void flush() throws Exception {
        users.forEach((user, ids) -> {
            if (ids.unwritten != null) {
                writeBack.write(user, ids);
            }
        });
    }

    private void count(User user) {
        long bytes = user.bytes();
        held += bytes - user.counted;
        user.counted = bytes;
    }

    /**
     * Over the budget: users not used lately leave, their unwritten ids written first, until a quarter of the budget
     * is free (so that this runs once per many events, not on each); never {@code keep}, the user at hand.
     */
    private void trim(Object keep) throws Exception {
        if (held <= budget) {
            return;
        }
        long mark = budget - budget / 4;
        Object out;
        while (held > mark && (out = users.nextToLeave(keep)) != null) {
            User u = users.remove(out);
            if (u.unwritten != null) {
                writeBack.write(out, u);
            }
            leftLastBlock = Math.max(leftLastBlock, u.lastBlock);
            held -= u.counted;
        }
    }

    /** Whether the user's blocks were read in this run, so that its ids are in the filters. */
    boolean known(Object user) {
        return known.contains(user);
    }

    /** The user's blocks were read, and their ids within the horizon added to the filters ({@link #add}). */
    void read(Object user) {
        known.add(user);
    }

    /**
     * A known user coming back, with no ids held ({@code ids} carries its pending cleanup time): its next block
     * gets a key later than any block of a user that left, so it replaces none of its own.
     */
    User returning(SeenEventIds ids) {
        return new User(ids, leftLastBlock);
    }

    /** Whether the filters may hold an id of this hash ({@link SlicedIdFilter#hash}) unexpired at {@code now}. */
    boolean mayHold(long hash, long now) {
        return filter.mightContain(hash, now);
    }

    /** Adds an id of this hash ({@link SlicedIdFilter#hash}), first seen at {@code firstSeen}, to the filters. */
    void add(long hash, long firstSeen) {
        filter.add(hash, firstSeen);
    }

    /** The filters' bytes; for tests. */
    long filterBytes() {
        return filter.bytes();
    }

    /** How many bytes are held; for tests. */
    long held() {
        return held;
    }

    /** How many users are held; for tests. */
    int users() {
        return users.size();
    }
}
