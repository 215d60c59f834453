package io.clickstream.quality;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * <p>Bounded by ids, not users: a busy user can hold thousands of ids within an hour's horizon. Past the budget, the
 * least recently used users go (never the last one added), their unwritten ids written first.
 */
final class RecentIds {
    /** Writes a user's {@link User#unwritten} ids as a block (setting the current key to the user's). */
    @FunctionalInterface
    interface WriteBack {
        void write(Object user, User held) throws Exception;
    }

    /** One user's ids on the heap. */
    static final class User {
        /** Every id within the horizon, in first-seen order, with the pending cleanup time. */
        final SeenEventIds ids;
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
    }

    private final long budget;
    private final WriteBack writeBack;
    private long held;
    /** In access order: the first user is the least recently used. */
    private final LinkedHashMap<Object, User> users = new LinkedHashMap<>(1024, 0.75f, true);
    /**
     * The same users, for {@link #peek}: an access-ordered map has no lookup that leaves the order alone. Changed
     * only when a user comes or goes, not on each event.
     */
    private final HashMap<Object, User> byKey = new HashMap<>(1024);

    /** {@code budget}: the most ids held in all, at least 1. */
    RecentIds(long budget, WriteBack writeBack) {
        if (budget < 1) {
            throw new IllegalArgumentException("a budget of " + budget + " ids: give at least 1, or no cache");
        }
        this.budget = budget;
        this.writeBack = writeBack;
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
        held += ids.ids.size() - (before == null ? 0 : before.ids.size());
        trim();
    }

    /** A held user's ids changed in number by {@code delta} (an id added, or ids expired). */
    void resized(int delta) throws Exception {
        held += delta;
        trim();
    }

    /** Forgets the user (whose ids are all written, or expired). */
    void remove(Object user) {
        User ids = users.remove(user);
        byKey.remove(user);
        if (ids != null) {
            held -= ids.ids.size();
        }
    }

    /** Writes every user's unwritten ids; the users stay. Before every checkpoint. */
    void flush() throws Exception {
        for (Map.Entry<Object, User> e : users.entrySet()) {
            if (e.getValue().unwritten != null) {
                writeBack.write(e.getKey(), e.getValue());
            }
        }
    }

    private void trim() throws Exception {
        Iterator<Map.Entry<Object, User>> eldest = users.entrySet().iterator();
        while (held > budget && users.size() > 1) {
            Map.Entry<Object, User> out = eldest.next();
            if (out.getValue().unwritten != null) {
                writeBack.write(out.getKey(), out.getValue());
            }
            held -= out.getValue().ids.size();
            byKey.remove(out.getKey());
            eldest.remove();
        }
    }

    /** How many ids are held; for tests. */
    long held() {
        return held;
    }

    /** How many users are held; for tests. */
    int users() {
        return users.size();
    }
}
