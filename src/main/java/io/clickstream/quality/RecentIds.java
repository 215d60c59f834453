package io.clickstream.quality;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The eventIds of the users the dedup saw most recently, with their pending cleanup times, on the heap, in front
 * of its map entries in RocksDB: a read cache, written through. A user's ids are read from its map entries once,
 * when the user is not here (one prefix scan), and each new id, and each new cleanup time, is still written to the
 * state at once; so the cache never holds anything the state does not, needs no write-back before a checkpoint,
 * and a user may leave it, or the job restart, at any moment.
 *
 * <p>Why: in RocksDB nearly every event's id is new, and asking the map for it is a {@code get} that finds
 * nothing: a JNI call, the key serialized, the memtable and files searched. In a profile of the full pipeline on
 * RocksDB with the per-user values already cached ({@code CachedValueState}) those lookups were the largest single
 * cost, about a quarter of the dedup's task. Here a lookup of a cached user's id is a probe of its
 * {@link SeenEventIds}.
 *
 * <p>Bounded by ids, not users: a busy user can hold thousands of ids within an hour's horizon. Past the budget, the
 * least recently used users go (never the last one added).
 */
final class RecentIds {
    private final long budget;
    private long held;
    /** In access order: the first user is the least recently used. */
    private final LinkedHashMap<Object, SeenEventIds> users = new LinkedHashMap<>(1024, 0.75f, true);

    /** {@code budget}: the most ids held in all, at least 1. */
    RecentIds(long budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("a budget of " + budget + " ids: give at least 1, or no cache");
        }
        this.budget = budget;
    }

    /** The user's ids, or null if they are not here. */
    SeenEventIds get(Object user) {
        return users.get(user);
    }

    /** Holds {@code ids} as the user's (read from its map entries). */
    void put(Object user, SeenEventIds ids) {
        SeenEventIds before = users.put(user, ids);
        held += ids.size() - (before == null ? 0 : before.size());
        trim();
    }

    /** A held user's ids changed in number by {@code delta} (an id added, or ids expired). */
    void resized(int delta) {
        held += delta;
        trim();
    }

    void remove(Object user) {
        SeenEventIds ids = users.remove(user);
        if (ids != null) {
            held -= ids.size();
        }
    }

    private void trim() {
        Iterator<Map.Entry<Object, SeenEventIds>> eldest = users.entrySet().iterator();
        while (held > budget && users.size() > 1) {
            held -= eldest.next().getValue().size();
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
