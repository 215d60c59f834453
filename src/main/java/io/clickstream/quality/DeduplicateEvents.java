package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.HeapAware;
import io.clickstream.event.UserTimers;
import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * Passes on the first event of each eventId and drops repeats (producer retries) seen within the dedup horizon
 * of wall-clock time (a retry arrives soon after the original, whatever its event time).
 *
 * <p>Keyed by <b>userId</b>, with the user's recent eventIds: a retry is the same record sent again, so it
 * carries the same user. Keyed by user, the deduplicated stream stays partitioned by user, as every per-user
 * analysis downstream is keyed: they chain onto this operator instead of each shuffling the events again (see
 * {@code UserPartitioning}). Two different users' events that share an eventId are two events.
 *
 * <p>Each eventId is kept with the processing time it was first seen, and forgotten {@code horizon} later: one
 * processing-time timer per user removes the expired ids, so state stays bounded. (Flink's state TTL on a map
 * state would do the same, but on the heap backend its cleanup copies a whole map on every access.)
 *
 * <p>How a user's ids are stored depends on the state backend ({@link IdStore}): on the heap, as one compact
 * value ({@link SeenEventIds}); in RocksDB, as one map entry per id, with the recent users' ids and pending
 * cleanup times also on the heap ({@link RecentIds}: read from the state once and written through; sized by
 * {@code checkpoint.rocksdb-cached-users}). Each form takes over the other's state on the
 * user's first event or timer after a restore, so a savepoint of either restores into both.
 *
 * <p>Also counts events that arrive behind the watermark, and exposes how far the watermark trails the clock.
 */
public class DeduplicateEvents extends KeyedProcessFunction<String, ClickEvent, ClickEvent> implements HeapAware {
    private static final long serialVersionUID = 1L;

    /** The form of a user's recent eventIds in state. */
    public enum IdStore {
        /**
         * One {@link SeenEventIds} value per user: on the heap backend a value is a reference, so an event costs a
         * lookup in the user's own index, and a checkpoint writes a user's ids as one block.
         */
        ONE_VALUE,
        /**
         * A {@code MapState<eventId, first seen>}: in RocksDB a value is serialized on every access, so a user's
         * ids as one value would be rewritten whole on every event; a map entry per id costs one get and one put.
         */
        MAP_ENTRIES;
    }

    /** The ids {@link RecentIds} holds, on average per cached user: 1,000,000 ids (about 46 MB) for 10,000 users. */
    static final int IDS_PER_CACHED_USER = 100;

    private final long horizon;
    /** The form, or null to follow the state backend (set when {@link #operator} opens: {@link #stateOnHeap}). */
    private IdStore store;
    /** {@link IdStore#ONE_VALUE}: the user's ids, with the time of the pending cleanup timer. */
    private transient ValueState<SeenEventIds> ids;
    /** {@link IdStore#MAP_ENTRIES}: eventId → processing time it was first seen. */
    private transient MapState<String, Long> seen;
    /** {@link IdStore#MAP_ENTRIES}: when this user's cleanup timer fires, if one is pending. */
    private transient ValueState<Long> cleanupAt;
    /** RocksDB only: the users whose ids {@link #recent} holds, {@value #IDS_PER_CACHED_USER} ids each on average. */
    private final int cachedUsers;
    /**
     * {@link IdStore#MAP_ENTRIES} in RocksDB: the recent users' ids and pending cleanup times on the heap, written
     * through, so an event reads nothing from RocksDB; else null.
     */
    private transient RecentIds recent;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter distinct;
    private transient volatile long lastWatermark;
    /**
     * Whether the state is on the heap, where the value read is the one in state, changed in place (the heap backend
     * hands out a copy of its own while a checkpoint is copying it), so only a new value is written.
     */
    private boolean onHeap;

    /** Stores ids in the {@code store} form whatever the backend (tests of each form). */
    public DeduplicateEvents(Duration horizon, IdStore store) {
        this(horizon, store, 0);
    }

    private DeduplicateEvents(Duration horizon, IdStore store, int cachedUsers) {
        this.horizon = horizon.toMillis();
        this.store = store;
        this.cachedUsers = cachedUsers;
    }

    /**
     * The dedup as an operator for {@code keyBy(userId).transform(...)}: it stores ids in the form that suits the
     * state backend it runs on (the job does not always choose the backend: Managed Service for Apache Flink does).
     */
    public static KeyedProcessOperator<String, ClickEvent, ClickEvent> operator(Duration horizon, int cachedUsers) {
        return new HeapAware.Operator<>(new DeduplicateEvents(horizon, null, cachedUsers));
    }

    @Override
    public void stateOnHeap(boolean onHeap) {
        this.onHeap = onHeap;
        if (store == null) {
            store = onHeap ? IdStore.ONE_VALUE : IdStore.MAP_ENTRIES;
        }
    }

    /** The form this instance stores ids in (after open). */
    public IdStore store() {
        return store;
    }

    @Override
    public void open(OpenContext openContext) {
        // Both forms are registered, so that either can take over state the other left in a savepoint.
        ids = getRuntimeContext().getState(new ValueStateDescriptor<>("seen-event-id-set", SeenEventIdsSerializer.INSTANCE));
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        if (store == IdStore.MAP_ENTRIES && !onHeap && cachedUsers > 0) {
            recent = new RecentIds((long) cachedUsers * IDS_PER_CACHED_USER);
        }

        MetricGroup group = MetricNames.group(getRuntimeContext().getMetricGroup());
        duplicates = group.counter(MetricNames.DUPLICATES);
        late = group.counter(MetricNames.LATE);
        distinct = group.counter(MetricNames.DISTINCT);
        lastWatermark = Long.MIN_VALUE;
        group.gauge(MetricNames.WATERMARK_LAG_MS, () -> lastWatermark == Long.MIN_VALUE
                ? -1L : System.currentTimeMillis() - lastWatermark);
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        boolean first = store == IdStore.ONE_VALUE
                ? firstInValue(event.eventId, now, ctx)
                : firstInMap(event.eventId, now, ctx);
        if (!first) {
            duplicates.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = watermark;
        if (watermark != Long.MIN_VALUE && event.ts <= watermark) {
            late.inc();
        }
        distinct.inc();
        out.collect(event);
    }

    private boolean firstInValue(String eventId, long now, Context ctx) throws Exception {
        SeenEventIds user = ids.value();
        boolean inState = user != null;
        if (user == null) {
            user = takeOverMapEntries();
            inState = !user.isEmpty();
        }
        if (!user.firstSighting(eventId, now, horizon)) {
            return false;
        }
        if (user.cleanupAt() == SeenEventIds.NO_CLEANUP) {
            user.setCleanupAt(schedule(ctx, now + horizon));
        }
        if (!inState || !onHeap) {
            ids.update(user);
        }
        return true;
    }

    private boolean firstInMap(String eventId, long now, Context ctx) throws Exception {
        if (recent != null) {
            return firstInRecent(eventId, now, ctx);
        }
        Long pending = cleanupAt.value();
        if (pending == null) {
            pending = takeOverValue();
        }
        Long firstSeen = seen.get(eventId);
        if (firstSeen != null && now < firstSeen + horizon) {
            return false;
        }
        seen.put(eventId, now);
        if (pending == null) {
            cleanupAt.update(schedule(ctx, now + horizon));
        }
        return true;
    }

    /**
     * {@link #firstInMap} with the user's ids and pending cleanup time on the heap: read from the state once, when
     * the user is not there; every change still written to the state at once.
     */
    private boolean firstInRecent(String eventId, long now, Context ctx) throws Exception {
        Object user = ctx.getCurrentKey();
        SeenEventIds held = recent.get(user);
        if (held == null) {
            Long pending = cleanupAt.value();
            if (pending == null) {
                pending = takeOverValue();
            }
            held = new SeenEventIds();
            for (Map.Entry<String, Long> e : seen.entries()) {
                held.add(e.getKey(), e.getValue());
            }
            held.orderByFirstSeen();   // entries come in key order
            held.setCleanupAt(pending == null ? SeenEventIds.NO_CLEANUP : pending);
            recent.put(user, held);
        }
        int before = held.size();
        boolean first = held.firstSighting(eventId, now, horizon);
        recent.resized(held.size() - before);
        if (!first) {
            return false;
        }
        seen.put(eventId, now);
        if (held.cleanupAt() == SeenEventIds.NO_CLEANUP) {
            long at = schedule(ctx, now + horizon);
            cleanupAt.update(at);
            held.setCleanupAt(at);
        }
        return true;
    }

    /** Forgets the user's expired eventIds, and schedules the next cleanup for the earliest id left. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (store == IdStore.ONE_VALUE) {
            SeenEventIds user = ids.value();
            if (user == null) {
                user = takeOverMapEntries();
            }
            long earliest = user.expire(now, horizon);
            if (earliest == Long.MAX_VALUE) {
                ids.clear();
                return;
            }
            if (user.cleanupAt() <= timestamp) {   // this was the pending timer: the next one
                user.setCleanupAt(schedule(ctx, earliest + horizon));
            }
            ids.update(user);
            return;
        }
        if (cleanupAt.value() == null) {
            takeOverValue();
        }
        long earliest = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, Long>> it = seen.iterator(); it.hasNext(); ) {
            long firstSeen = it.next().getValue();
            if (now >= firstSeen + horizon) {
                it.remove();
            } else {
                earliest = Math.min(earliest, firstSeen);
            }
        }
        cleanupAt.clear();
        long next = SeenEventIds.NO_CLEANUP;
        if (earliest != Long.MAX_VALUE) {
            next = schedule(ctx, earliest + horizon);
            cleanupAt.update(next);
        } else {
            seen.clear();   // an emptied map still holds an entry for the user
        }
        if (recent != null) {
            expireRecent(ctx.getCurrentKey(), now, next);
        }
    }

    /**
     * The same expiry in the user's ids on the heap, if they are there (an expired id left there counts as absent),
     * with the next cleanup time, or {@link SeenEventIds#NO_CLEANUP} when none are left.
     */
    private void expireRecent(Object user, long now, long next) {
        SeenEventIds held = recent.get(user);
        if (held == null) {
            return;
        }
        if (next == SeenEventIds.NO_CLEANUP) {
            recent.remove(user);
        } else {
            int before = held.size();
            held.expire(now, horizon);
            held.setCleanupAt(next);
            recent.resized(held.size() - before);
        }
    }

    /**
     * {@link IdStore#ONE_VALUE} after a restore of map entries: moves them into a value (and their pending timer
     * with them). Returns an empty value for a user without any.
     */
    private SeenEventIds takeOverMapEntries() throws Exception {
        SeenEventIds user = new SeenEventIds();
        Long pending = cleanupAt.value();
        if (pending == null) {
            return user;
        }
        for (Map.Entry<String, Long> e : seen.entries()) {
            user.add(e.getKey(), e.getValue());
        }
        user.orderByFirstSeen();   // entries come in hash order
        user.setCleanupAt(pending);
        seen.clear();
        cleanupAt.clear();
        ids.update(user);
        return user;
    }

    /**
     * {@link IdStore#MAP_ENTRIES} after a restore of values: moves the user's value into map entries. Returns the
     * pending cleanup time it carried, or null for a user without one.
     */
    private Long takeOverValue() throws Exception {
        SeenEventIds user = ids.value();
        if (user == null) {
            return null;
        }
        user.forEach(seen::put);
        ids.clear();
        if (user.isEmpty() || user.cleanupAt() == SeenEventIds.NO_CLEANUP) {
            return null;
        }
        cleanupAt.update(user.cleanupAt());
        return user.cleanupAt();
    }

    /**
     * One pending timer per user; ids are removed up to a sixtieth of the horizon after they expire (a minute for
     * the default hour), so a busy user's timer fires about once a minute, not once per event. An expired id that
     * is still in state is treated as absent all the same. Each user's timers are on their own grid
     * ({@link UserTimers}): on one grid for all, every user's cleanup would run at the same moments, and the events
     * that arrive then would wait behind all of them. Returns the time the timer fires.
     */
    private long schedule(Context ctx, long expiry) {
        long at = UserTimers.roundUp(expiry, Math.max(1, horizon / 60), ctx.getCurrentKey());
        ctx.timerService().registerProcessingTimeTimer(at);
        return at;
    }
}
