package io.clickstream.quality;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The eventIds of the users the dedup saw most recently, with their pending cleanup times, on the heap, in front
 * of its blocks of ids in RocksDB ({@link DeduplicateEvents.IdStore#BLOCKS}). A user's ids are read from its blocks
 * once, when the user is not here; the ids seen since then are gathered ({@link User#unwritten}) and written as one
 * block before the next checkpoint ({@link #flush}), or when the user leaves.
 *
 * <p>Why: in RocksDB nearly every event's id is new. Asking RocksDB for it is a {@code get} that finds nothing,
 * and storing it a {@code put}: JNI calls, the key serialized, the memtable searched and written, and later flushed
 * and compacted. In the profiles of the full pipeline on RocksDB the lookups were about a quarter of the dedup's
 * task, and with them answered here the puts were a fifth; a checkpoint now writes one block per user that sent
 * new ids, not one entry per id (docs/benchmarks.md, nineteenth round).
 *
 * <p>Bounded by memory, not users: a busy user can hold thousands of ids within an hour's horizon. Past the budget,
 * the least recently used users' ids (all written to blocks first) become a filter ({@link User#older}, about 2
 * bytes per id where an id takes about {@value #ID_BYTES}), until a quarter of the budget is free; only if the
 * filters alone fill it do the least recently used users go (never the last one added), their unwritten ids written
 * first. Before the filters, a user who left was read back whole on its next event: in a sustained run whose ids
 * outgrew the budget that was nearly every event, each reading hundreds of ids (docs/benchmarks.md).
 */
final class RecentIds {
    /** What an id held on the heap takes, on average ({@code DedupMemoryBench}, docs/benchmarks.md). */
    static final int ID_BYTES = 46;
    /** A user with fewer ids than this keeps them as they are: a filter would save little. */
    static final int FILTER_LEAST = 16;

    /** Writes a user's {@link User#unwritten} ids as a block (setting the current key to the user's). */
    @FunctionalInterface
    interface WriteBack {
        void write(Object user, User held) throws Exception;
    }

    /** One user's ids on the heap. */
    static final class User {
        /**
         * Every id within the horizon, in first-seen order, with the pending cleanup time; once the user has a
         * filter ({@link #older}), the ids since the filter last took them.
         */
        SeenEventIds ids;
        /**
         * Null, or the ids written to the user's blocks that {@link #ids} no longer holds, as a filter: an id it
         * may hold is looked up in the blocks; one it does not is not there. Built again from the blocks a horizon
         * after it was made, so that it does not keep growing with ids long expired.
         */
        IdFilter older;
        /** When {@link #older} was made (processing time). */
        long olderSince;
        /** The bytes {@link RecentIds} counts for this user. */
        private long counted;
        /** The ids seen since the user's blocks were read or last written, or null if none. */
        SeenEventIds unwritten;
        /** The latest first-seen time in {@link #unwritten}. */
        long unwrittenLatest = Long.MIN_VALUE;
        /** The key of the user's latest block in state, or {@link Long#MIN_VALUE} if it has none. */
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

        /** What the user's ids take on the heap: {@value #ID_BYTES} bytes per id held, and the filter's bits. */
        long bytes() {
            return (long) ids.size() * ID_BYTES + (older == null ? 0 : older.bytes());
        }

        /**
         * Moves the ids held into the filter (made at {@code now} if there is none), keeping the cleanup time. Only
         * once every id held is written to a block ({@link #unwritten} null): the filter stands for ids in blocks.
         */
        void filter(long now) {
            if (unwritten != null) {
                throw new IllegalStateException("the user's unwritten ids must be written before they are filtered");
            }
            if (older == null) {
                older = new IdFilter(2 * ids.size());
                olderSince = now;
            }
            ids.addAllTo(older);
            SeenEventIds left = new SeenEventIds();
            left.setCleanupAt(ids.cleanupAt());
            ids = left;
        }
    }

    private final long budget;
    private final WriteBack writeBack;
    private final LongSupplier clock;
    private long held;
    /** In access order: the first user is the least recently used. */
    private final LinkedHashMap<Object, User> users = new LinkedHashMap<>(1024, 0.75f, true);
    /**
     * The same users, for {@link #peek}: an access-ordered map has no lookup that leaves the order alone. Changed
     * only when a user comes or goes, not on each event.
     */
    private final HashMap<Object, User> byKey = new HashMap<>(1024);

    /**
     * {@code budget}: the most bytes held in all ({@link User#bytes}), at least {@value #ID_BYTES}; {@code clock}:
     * processing time, for when a filter is made.
     */
    RecentIds(long budget, WriteBack writeBack, LongSupplier clock) {
        if (budget < ID_BYTES) {
            throw new IllegalArgumentException("a budget of " + budget + " bytes holds no id: give at least "
                    + ID_BYTES + ", or no cache");
        }
        this.budget = budget;
        this.writeBack = writeBack;
        this.clock = clock;
    }

    /** The user's ids, or null if they are not here; the user becomes the most recently used. */
    User get(Object user) {
        return users.get(user);
    }

    /**
     * The user's ids, or null if they are not here, leaving the order of use alone: for a cleanup timer, which fires
     * for every user active within the horizon and says nothing about which users are busy now.
     */
    User peek(Object user) {
        return byKey.get(user);
    }

    /** Holds {@code ids} as the user's (read from its blocks). */
    void put(Object user, User ids) throws Exception {
        User before = users.put(user, ids);
        byKey.put(user, ids);
        if (before != null && before != ids) {
            held -= before.counted;
        }
        count(ids);
        trim();
    }

    /** A held user's ids changed (an id added, ids expired). */
    void changed(User user) throws Exception {
        count(user);
        trim();
    }

    /** Forgets the user (whose ids are all written, or expired). */
    void remove(Object user) {
        User ids = users.remove(user);
        byKey.remove(user);
        if (ids != null) {
            held -= ids.counted;
        }
    }

    /** Writes the user's unwritten ids and forgets it: read from its blocks again on its next event. */
    void evict(Object user) throws Exception {
        User ids = byKey.get(user);
        if (ids != null && ids.unwritten != null) {
            writeBack.write(user, ids);
        }
        remove(user);
    }

    /** Writes every user's unwritten ids; the users stay. Before every checkpoint. */
    void flush() throws Exception {
        for (Map.Entry<Object, User> e : users.entrySet()) {
            if (e.getValue().unwritten != null) {
                writeBack.write(e.getKey(), e.getValue());
            }
        }
    }

    private void count(User user) {
        long bytes = user.bytes();
        held += bytes - user.counted;
        user.counted = bytes;
    }

    /**
     * Over the budget: the least recently used users' ids become filters until a quarter of the budget is free (so
     * that this runs once per many events, not on each), then, if that is not enough, the least recently used users
     * go, down to the same mark.
     */
    private void trim() throws Exception {
        if (held <= budget) {
            return;
        }
        long mark = budget - budget / 4;
        long now = clock.getAsLong();
        for (Iterator<Map.Entry<Object, User>> it = users.entrySet().iterator(); it.hasNext() && held > mark; ) {
            Map.Entry<Object, User> e = it.next();
            User u = e.getValue();
            if (u.ids.size() < FILTER_LEAST) {
                continue;
            }
            if (u.unwritten != null) {
                writeBack.write(e.getKey(), u);
            }
            u.filter(now);
            count(u);
        }
        Iterator<Map.Entry<Object, User>> eldest = users.entrySet().iterator();
        while (held > mark && users.size() > 1) {
            Map.Entry<Object, User> out = eldest.next();
            if (out.getValue().unwritten != null) {
                writeBack.write(out.getKey(), out.getValue());
            }
            held -= out.getValue().counted;
            byKey.remove(out.getKey());
            eldest.remove();
        }
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
