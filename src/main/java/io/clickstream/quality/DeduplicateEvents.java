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
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * value ({@link SeenEventIds}); in RocksDB, as blocks of the ids seen between two checkpoints, with the recent
 * users' ids also on the heap ({@link RecentIds}, sized by {@code checkpoint.rocksdb-cached-users}), or, with that
 * cache off, as one map entry per id. Each form takes over the others' state on the user's first event or timer
 * after a restore, so a savepoint of any restores into all.
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
         * RocksDB with {@code checkpoint.rocksdb-cached-users=0}.
         */
        MAP_ENTRIES,
        /**
         * A {@code MapState<latest first seen, ids>}: the ids a user sent between two checkpoints (or before leaving
         * the cache) as one block, with the recent users' ids on the heap and every id within the horizon in filters
         * ({@link RecentIds}), a user's blocks read once in a run. An event costs a lookup on the heap, a checkpoint
         * one {@code put} per user with new ids (not one per id) and one of the block's key in a list of them, and a
         * block is removed whole once its latest id is past the horizon, found in that list without reading any
         * block. RocksDB with the cache (the default).
         */
        BLOCKS;
    }

    /**
     * The memory {@link RecentIds} takes per cached user, in ids held as they are ({@value RecentIds#ID_BYTES} bytes
     * each): about 46 MB for 10,000 users. Past it, users not used lately leave; the filters of every id
     * within the horizon (about 3 bytes each) come on top.
     */
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
    /** {@link IdStore#BLOCKS}: the latest first-seen time in a block → the block's ids. */
    private transient MapState<Long, SeenEventIds> blocks;
    /**
     * {@link IdStore#BLOCKS}: the keys of the user's blocks, each with its number of ids. Why: a cleanup has to find
     * the blocks past the horizon, and iterating {@link #blocks} in RocksDB reads every block whole (an iterator
     * hands out each entry's value) to find the one or two expired: past the horizon, those reads were most of
     * the cleanups' time (docs/benchmarks.md, twenty-eighth round). This list's entries are a few bytes. A savepoint
     * from before the list has blocks without entries here: a user's are listed the first time it is read or cleaned
     * up in a run ({@link #listed}).
     */
    private transient MapState<Long, Integer> blockList;
    /** {@link IdStore#BLOCKS}: when this user's cleanup timer fires, if one is pending. */
    private transient ValueState<Long> blocksCleanupAt;
    /** {@link IdStore#BLOCKS}: the users whose every block is in {@link #blockList}, checked in this run. */
    private transient Set<Object> listed;
    /** {@link IdStore#BLOCKS}: the users whose ids {@link #recent} holds, {@value #IDS_PER_CACHED_USER} ids each on average. */
    private final int cachedUsers;
    /** {@link IdStore#BLOCKS}: the recent users' ids and pending cleanup times on the heap; else null. */
    private transient RecentIds recent;
    /** The operator, to write a block of a user other than the current one (leaving the cache, a checkpoint). */
    private transient KeyContext keys;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter distinct;
    private transient volatile long lastWatermark;
    /**
     * How many times a user's blocks were read whole: on its first event in a run, for an id filtered "perhaps", and
     * to list the blocks of a savepoint from before {@link #blockList} at a cleanup.
     */
    private transient long blockReads;
    /**
     * Whether the state is on the heap, where the value read is the one in state, changed in place (the heap backend
     * hands out a copy of its own while a checkpoint is copying it), so only a new value is written.
     */
    private boolean onHeap;

    /** Stores ids in the {@code store} form whatever the backend (tests of each form; blocks with 1,000 cached users). */
    public DeduplicateEvents(Duration horizon, IdStore store) {
        this(horizon, store, store == IdStore.BLOCKS ? 1_000 : 0);
    }

    private DeduplicateEvents(Duration horizon, IdStore store, int cachedUsers) {
        this.horizon = horizon.toMillis();
        this.store = store;
        this.cachedUsers = cachedUsers;
    }

    /**
     * The dedup as an operator for {@code keyBy(userId).transform(...)}: it stores ids in the form that suits the
     * state backend it runs on (the job does not always choose the backend: Managed Service for Apache Flink does),
     * in RocksDB with {@code cachedUsers} users' ids on the heap (0: none, one map entry per id).
     */
    public static KeyedProcessOperator<String, ClickEvent, ClickEvent> operator(Duration horizon, int cachedUsers) {
        return new HeapAware.Operator<>(new DeduplicateEvents(horizon, null, cachedUsers));
    }

    @Override
    public void stateOnHeap(boolean onHeap, KeyContext keys) {
        this.onHeap = onHeap;
        this.keys = keys;
        if (store == null) {
            store = onHeap ? IdStore.ONE_VALUE : cachedUsers > 0 ? IdStore.BLOCKS : IdStore.MAP_ENTRIES;
        }
    }

    /** The unwritten ids of the users on the heap go into the snapshot, one block per user. */
    @Override
    public void beforeBarrier() throws Exception {
        if (recent != null) {
            recent.flush();
        }
    }

    /** {@link IdStore#BLOCKS}: the current user's block keys in state; for tests. */
    List<Long> blockKeys() throws Exception {
        List<Long> keys = new ArrayList<>();
        blocks.keys().forEach(keys::add);
        Collections.sort(keys);
        return keys;
    }

    /** {@link IdStore#BLOCKS}: the current user's block keys in {@link #blockList}; for tests. */
    List<Long> listedBlockKeys() throws Exception {
        List<Long> keys = new ArrayList<>();
        blockList.keys().forEach(keys::add);
        Collections.sort(keys);
        return keys;
    }

    /**
     * {@link IdStore#BLOCKS}: empties the current user's {@link #blockList}, as a savepoint from before it; for tests.
     */
    void unlistBlocks() throws Exception {
        blockList.clear();
    }

    /** {@link IdStore#BLOCKS}: how many times a user's blocks were read whole; for tests. */
    long blockReads() {
        return blockReads;
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
        blocks = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("seen-event-id-blocks", LongSerializer.INSTANCE, SeenEventIdsSerializer.INSTANCE));
        blockList = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("seen-event-id-block-list", LongSerializer.INSTANCE, IntSerializer.INSTANCE));
        blocksCleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("blocks-cleanup-at", Types.LONG));
        if (store == IdStore.BLOCKS) {
            if (keys == null) {
                throw new IllegalStateException("the dedup stores blocks of ids only in its own operator: "
                        + "use DeduplicateEvents.operator or HeapAware.Operator");
            }
            recent = new RecentIds((long) Math.max(1, cachedUsers) * IDS_PER_CACHED_USER * RecentIds.ID_BYTES,
                    horizon, this::writeBack);
            listed = new HashSet<>();
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
        boolean first = store == IdStore.ONE_VALUE ? firstInValue(event.eventId, now, ctx)
                : store == IdStore.BLOCKS ? firstInBlocks(event.eventId, now, ctx)
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
            user = takeOverIntoValue(now);
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
        Long pending = cleanupAt.value();
        if (pending == null) {
            pending = takeOverIntoMap(now);
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
     * {@link IdStore#BLOCKS}: the id against the user's ids on the heap, and the filters for the rest. A user not on
     * the heap comes back with none held; its blocks are read only on its first event in the run.
     */
    private boolean firstInBlocks(String eventId, long now, Context ctx) throws Exception {
        Object key = ctx.getCurrentKey();
        RecentIds.User user = recent.get(key);
        if (user == null) {
            user = recent.known(key) ? returning() : readBlocks(key, now);
            recent.put(key, user);
        }
        SeenEventIds held = user.ids;
        long hash = SlicedIdFilter.hash(key, held.hashFor(eventId));
        if (recent.mayHold(hash, now) && repeatInBlocks(eventId, held, now)) {
            return false;
        }
        if (!held.firstSighting(eventId, now, horizon)) {
            return false;
        }
        recent.add(hash, now);
        user.seen(now);
        if (held.cleanupAt() == SeenEventIds.NO_CLEANUP) {
            long at = schedule(ctx, now + horizon);
            blocksCleanupAt.update(at);
            held.setCleanupAt(at);
        }
        recent.changed(key, user);
        return true;
    }

    /**
     * For an id the filters may hold: whether it is a repeat found in the user's blocks (first seen there within the
     * horizon). An id held on the heap is left to {@link SeenEventIds#firstSighting}, which has its latest time.
     * Reads every block of the user: for a repeat of an id the user no longer holds (it left the cache since, or
     * the job restarted), and for the few new ids the filters cannot tell apart (about one in a few hundred).
     */
    private boolean repeatInBlocks(String eventId, SeenEventIds held, long now) throws Exception {
        if (held.firstSeen(eventId) != null) {
            return false;
        }
        blockReads++;
        long latest = Long.MIN_VALUE;
        for (SeenEventIds block : blocks.values()) {
            Long t = block.firstSeen(eventId);
            if (t != null) {
                latest = Math.max(latest, t);
            }
        }
        return latest != Long.MIN_VALUE && now < latest + horizon;
    }

    /** A user whose ids are in the filters, back on the heap with none held and its pending cleanup time. */
    private RecentIds.User returning() throws Exception {
        SeenEventIds held = new SeenEventIds();
        Long pending = blocksCleanupAt.value();
        held.setCleanupAt(pending == null ? SeenEventIds.NO_CLEANUP : pending);
        return recent.returning(held);
    }

    /**
     * The current user on its first event in the run (after taking over another form's state): the ids within the
     * horizon in its blocks go into the filters, and it starts with none held, its pending cleanup time and the
     * key of its latest block.
     */
    private RecentIds.User readBlocks(Object key, long now) throws Exception {
        SeenEventIds held = new SeenEventIds();
        Long pending = blocksCleanupAt.value();
        if (pending == null) {
            pending = takeOverIntoBlocks(now);
        }
        recent.read(key);
        if (pending == null) {
            listed.add(key);   // no blocks: the ones it writes are listed as they are written
            return new RecentIds.User(held, Long.MIN_VALUE);
        }
        blockReads++;
        long last = Long.MIN_VALUE;
        Map<Long, Integer> sizes = new HashMap<>();
        for (Map.Entry<Long, SeenEventIds> block : blocks.entries()) {
            last = Math.max(last, block.getKey());
            sizes.put(block.getKey(), block.getValue().size());
            block.getValue().forEachLiveHash(now, horizon,
                    (hash, firstSeen) -> recent.add(SlicedIdFilter.hash(key, hash), firstSeen));
        }
        listUnlisted(key, sizes);
        held.setCleanupAt(pending);
        return new RecentIds.User(held, last);
    }

    /**
     * Puts the blocks of {@code sizes} (key → ids, every block of the current user) that {@link #blockList} lacks
     * into it: blocks written before there was a list (a savepoint from before it). Once per user in a run.
     */
    private void listUnlisted(Object user, Map<Long, Integer> sizes) throws Exception {
        if (!listed.add(user)) {
            return;
        }
        for (Long key : blockList.keys()) {
            sizes.remove(key);
        }
        blockList.putAll(sizes);
    }

    /**
     * Adds the ids of {@code from} still within the horizon at {@code now} to {@code to}; an id in both keeps its
     * later time (seen again after it expired). Either may be out of first-seen order afterwards.
     */
    private void addLive(SeenEventIds to, SeenEventIds from, long now) {
        to.addLive(from, now, horizon);
    }

    /** Writes {@code ids} as one block of the current user (a copy: the state keeps no object the caller changes). */
    private long writeBlock(SeenEventIds ids) throws Exception {
        SeenEventIds block = new SeenEventIds();
        long[] latest = {Long.MIN_VALUE};
        ids.forEach((id, firstSeen) -> {
            block.add(id, firstSeen);
            latest[0] = Math.max(latest[0], firstSeen);
        });
        blocks.put(latest[0], block);
        blockList.put(latest[0], block.size());
        return latest[0];
    }

    /** {@link RecentIds.WriteBack}: the user's unwritten ids as a block of that user. */
    private void writeBack(Object user, RecentIds.User held) throws Exception {
        Object current = keys.getCurrentKey();
        keys.setCurrentKey(user);
        writeUnwritten(held);
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** The current user's unwritten ids as a block. */
    private void writeUnwritten(RecentIds.User held) throws Exception {
        long key = held.nextBlock();
        blocks.put(key, held.unwritten);   // no longer changed: the next ids go into a new block
        blockList.put(key, held.unwritten.size());
        held.written(key);
    }

    /** Forgets the user's expired eventIds, and schedules the next cleanup for the earliest id left. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (store == IdStore.ONE_VALUE) {
            SeenEventIds user = ids.value();
            if (user == null) {
                user = takeOverIntoValue(now);
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
        if (store == IdStore.BLOCKS) {
            cleanUpBlocks(now, ctx);
            return;
        }
        if (cleanupAt.value() == null) {
            takeOverIntoMap(now);
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
        if (earliest != Long.MAX_VALUE) {
            cleanupAt.update(schedule(ctx, earliest + horizon));
        } else {
            seen.clear();   // an emptied map still holds an entry for the user
        }
    }

    /**
     * {@link IdStore#BLOCKS}: removes the blocks whose latest id is past the horizon, found in {@link #blockList}, and
     * the expired ids on the heap. The user's unwritten ids are written first, so the next cleanup is set for
     * everything it holds.
     */
    private void cleanUpBlocks(long now, OnTimerContext ctx) throws Exception {
        Object key = ctx.getCurrentKey();
        RecentIds.User user = recent.peek(key);   // a cleanup is not a use: the user keeps its place in the cache
        // a user on the heap was read, and taken over, in this run
        if (user == null && blocksCleanupAt.value() == null) {
            takeOverIntoBlocks(now);
        }
        if (!listed.contains(key)) {
            listUnlisted(key, blockSizes());
        }
        if (user != null && user.unwritten != null) {
            writeUnwritten(user);
        }
        long earliest = Long.MAX_VALUE;
        for (Iterator<Long> it = blockList.keys().iterator(); it.hasNext(); ) {
            long latest = it.next();
            if (now >= latest + horizon) {
                it.remove();
                blocks.remove(latest);
            } else {
                earliest = Math.min(earliest, latest);
            }
        }
        if (earliest == Long.MAX_VALUE) {
            if (onHeap) {
                blocks.clear();   // an emptied map still holds an entry for the user on the heap backend
                blockList.clear();
            }
            blocksCleanupAt.clear();
            recent.remove(key);
            listed.remove(key);
            return;
        }
        long next = schedule(ctx, earliest + horizon);
        blocksCleanupAt.update(next);
        if (user != null) {
            user.ids.expire(now, horizon);
            user.ids.setCleanupAt(next);
            recent.changed(key, user);
        }
    }

    /**
     * {@link IdStore#ONE_VALUE} after a restore of another form: moves the user's map entries or blocks into a
     * value (and their pending timer with them). Returns an empty value for a user without any.
     */
    private SeenEventIds takeOverIntoValue(long now) throws Exception {
        SeenEventIds user = new SeenEventIds();
        Long pending = takeOverOtherForms(user, now);
        if (pending == null) {
            return user;
        }
        user.orderByFirstSeen();
        user.setCleanupAt(pending);
        ids.update(user);
        return user;
    }

    /**
     * {@link IdStore#MAP_ENTRIES} after a restore of another form: moves the user's value or blocks into map
     * entries. Returns the pending cleanup time they carried, or null for a user without one.
     */
    private Long takeOverIntoMap(long now) throws Exception {
        SeenEventIds user = new SeenEventIds();
        Long pending = takeOverOtherForms(user, now);
        if (pending == null) {
            return null;
        }
        user.forEach(seen::put);
        cleanupAt.update(pending);
        return pending;
    }

    /**
     * {@link IdStore#BLOCKS} after a restore of another form: moves the user's value or map entries into one block.
     * Returns the pending cleanup time they carried, or null for a user without one.
     */
    private Long takeOverIntoBlocks(long now) throws Exception {
        SeenEventIds user = new SeenEventIds();
        Long pending = takeOverOtherForms(user, now);
        if (pending == null) {
            return null;
        }
        if (!user.isEmpty()) {
            writeBlock(user);
        }
        blocksCleanupAt.update(pending);
        return pending;
    }

    /**
     * Moves the user's ids kept in the two forms other than {@link #store} into {@code to} (their ids still within
     * the horizon); returns the pending cleanup time they carried, or null if neither held any.
     */
    private Long takeOverOtherForms(SeenEventIds to, long now) throws Exception {
        Long fromValue = store == IdStore.ONE_VALUE ? null : takeOverValue(to, now);
        Long fromMap = store == IdStore.MAP_ENTRIES ? null : takeOverMapEntries(to, now);
        Long fromBlocks = store == IdStore.BLOCKS ? null : takeOverBlocks(to, now);
        return fromValue != null ? fromValue : fromMap != null ? fromMap : fromBlocks;
    }

    /** Moves the user's value ({@link IdStore#ONE_VALUE}) into {@code to}; its pending cleanup time, or null. */
    private Long takeOverValue(SeenEventIds to, long now) throws Exception {
        SeenEventIds user = ids.value();
        if (user == null) {
            return null;
        }
        addLive(to, user, now);
        ids.clear();
        return user.cleanupAt() == SeenEventIds.NO_CLEANUP ? null : user.cleanupAt();
    }

    /** Moves the user's map entries ({@link IdStore#MAP_ENTRIES}) into {@code to}; their pending cleanup time, or null. */
    private Long takeOverMapEntries(SeenEventIds to, long now) throws Exception {
        Long pending = cleanupAt.value();
        if (pending == null) {
            return null;
        }
        for (Map.Entry<String, Long> e : seen.entries()) {
            if (now < e.getValue() + horizon && to.firstSeen(e.getKey()) == null) {
                to.add(e.getKey(), e.getValue());
            }
        }
        seen.clear();
        cleanupAt.clear();
        return pending;
    }

    /** Moves the user's blocks ({@link IdStore#BLOCKS}) into {@code to}; their pending cleanup time, or null. */
    private Long takeOverBlocks(SeenEventIds to, long now) throws Exception {
        Long pending = blocksCleanupAt.value();
        if (pending == null) {
            return null;
        }
        for (SeenEventIds block : blocks.values()) {
            addLive(to, block, now);
        }
        blocks.clear();
        blockList.clear();
        blocksCleanupAt.clear();
        return pending;
    }

    /** Every block of the current user: key → ids. Reads them all. */
    private Map<Long, Integer> blockSizes() throws Exception {
        blockReads++;
        Map<Long, Integer> sizes = new HashMap<>();
        for (Map.Entry<Long, SeenEventIds> block : blocks.entries()) {
            sizes.put(block.getKey(), block.getValue().size());
        }
        return sizes;
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
