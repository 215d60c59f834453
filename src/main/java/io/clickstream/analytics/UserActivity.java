package io.clickstream.analytics;

import io.clickstream.event.CachedValueState;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.HeapAware;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.InternalTimerServiceImpl;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;


/**
 * The per-user analyses that see every event: sessions ({@link KeyedSessions}) and inactivity
 * ({@link InactivityAlert}), in one operator over one {@link ActivityState} per user.
 *
 * <p>Why one operator: both read and write the user's state on every event, and as functions of their own each
 * paid a state lookup or two for it (on the heap a cache miss each: a user's entries of different operators lie in
 * different maps) and an operator's per-record work. Here an event costs one lookup, and in RocksDB one read and one
 * write of one value, or, for the users kept on the heap between checkpoints ({@link CachedValueState}), a lookup,
 * with one write per checkpoint. The results leave as side outputs ({@link #SESSIONS}, {@link #INACTIVITY}; late events on
 * the sessions' late output); there is no main output.
 *
 * <p>Sessions may be off (their Flink windows form runs elsewhere, {@code analytics.sessions=windows}); inactivity
 * is always on. Timers: the sessions' in namespace {@value #SESSION_TIMERS}, the inactivity's in namespace
 * {@value #INACTIVITY_TIMERS} (event time, or processing time when so configured), so each timer runs only its own
 * analysis.
 */
public class UserActivity extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ClickEvent, Void>, Triggerable<String, Integer> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<SessionSummary> SESSIONS =
            new OutputTag<>("sessions", TypeInformation.of(SessionSummary.class));
    public static final OutputTag<Alert> INACTIVITY = new OutputTag<>("inactivity", TypeInformation.of(Alert.class));

    static final String STATE_NAME = "user-activity";
    static final int SESSION_TIMERS = 0;
    static final int INACTIVITY_TIMERS = 1;

    /** Null when off. */
    private final KeyedSessions sessions;
    private final InactivityAlert inactivity;
    /** RocksDB only: the users whose values stay on the heap between checkpoints ({@link CachedValueState}); 0: none. */
    private final int cachedUsers;
    private transient InternalTimerService<Integer> timers;
    private transient ValueState<ActivityState> state;
    /** The cache in front of RocksDB, when there is one (then also {@link #state}). */
    private transient CachedValueState<ActivityState> cache;
    private transient boolean onHeap;
    private transient long timestamp;
    private transient boolean hasTimestamp;

    public UserActivity(KeyedSessions sessions, InactivityAlert inactivity) {
        this(sessions, inactivity, 0);
    }

    public UserActivity(KeyedSessions sessions, InactivityAlert inactivity, int cachedUsers) {
        this.sessions = sessions;
        this.inactivity = inactivity;
        this.cachedUsers = cachedUsers;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    static ValueStateDescriptor<ActivityState> descriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, ActivityStateSerializer.INSTANCE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("activity-timers", IntSerializer.INSTANCE, this);
        state = getPartitionedState(descriptor());
        onHeap = HeapAware.onHeap(getKeyedStateBackend());
        if (!onHeap && cachedUsers > 0) {
            cache = new CachedValueState<>(state, this, cachedUsers);
            state = cache;
        }
    }

    /** Before the barrier: the cached users' changes go into the state this checkpoint snapshots. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (cache != null) {
            cache.flush();
        }
    }

    @Override
    public void processElement(StreamRecord<ClickEvent> element) throws Exception {
        hasTimestamp = element.hasTimestamp();
        timestamp = element.getTimestamp();
        ActivityState a = state.value();
        boolean created = a == null;
        if (created) {
            a = new ActivityState();
        }
        if (sessions != null) {
            sessions.onEvent(element.getValue(), timestamp, a, this);
        }
        inactivity.onEvent(element.getValue(), a, this);
        store(a, created);
    }

    @Override
    public void onEventTime(InternalTimer<String, Integer> timer) throws Exception {
        boolean forSessions = timer.getNamespace() == SESSION_TIMERS;
        if (forSessions && sessions == null) {
            forgetSessions();
        } else if (forSessions || inactivity.inEventTime()) {   // else: set before the clock setting changed
            onTimer(timer, forSessions);
        }
    }

    /**
     * Sessions switched to their windows form since the savepoint leave their open sessions here, which nothing
     * would emit or drop. Every open session has a timer pending, so its user's sessions go when it fires: no
     * scan of every user at start-up.
     */
    private void forgetSessions() throws Exception {
        ActivityState a = state.value();
        if (a != null && a.sessions.length > 0) {
            a.sessions = ActivityState.NO_SESSIONS;
            a.sessionTimer = Long.MAX_VALUE;
            store(a, false);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, Integer> timer) throws Exception {
        if (timer.getNamespace() == INACTIVITY_TIMERS && !inactivity.inEventTime()) {
            onTimer(timer, false);
        }
    }

    private void onTimer(InternalTimer<String, Integer> timer, boolean forSessions) throws Exception {
        hasTimestamp = true;
        timestamp = timer.getTimestamp();
        ActivityState a = state.value();
        if (a == null) {
            return;   // a timer left after the user's state was cleared
        }
        if (forSessions) {
            sessions.onTimer(a, this);
        } else {
            inactivity.onTimer(timer.getTimestamp(), a, this);
        }
        store(a, false);
    }

    /**
     * On the heap the value read is the one in state (the backend copies it first when a checkpoint still writes
     * it out), so it is written only when new; in RocksDB every change is written back (to the cache, if any, which
     * writes it to RocksDB at the next checkpoint).
     */
    private void store(ActivityState a, boolean created) throws Exception {
        if (a.isEmpty()) {
            if (!created) {
                state.clear();
            }
        } else if (created || !onHeap) {
            state.update(a);
        }
    }

    /** The event-time timers set in one namespace ({@link #SESSION_TIMERS}, {@link #INACTIVITY_TIMERS}); for tests. */
    int eventTimeTimers(int namespace) {
        return ((InternalTimerServiceImpl<String, Integer>) timers).numEventTimeTimers(namespace);
    }

    String user() {
        return (String) getCurrentKey();
    }

    long watermark() {
        return timers.currentWatermark();
    }

    long now() {
        return timers.currentProcessingTime();
    }

    void sessionTimer(long time) {
        timers.registerEventTimeTimer(SESSION_TIMERS, time);
    }

    void inactivityTimer(long time) {
        if (inactivity.inEventTime()) {
            timers.registerEventTimeTimer(INACTIVITY_TIMERS, time);
        } else {
            timers.registerProcessingTimeTimer(INACTIVITY_TIMERS, time);
        }
    }

    void deleteInactivityTimer(long time) {
        if (inactivity.inEventTime()) {
            timers.deleteEventTimeTimer(INACTIVITY_TIMERS, time);
        } else {
            timers.deleteProcessingTimeTimer(INACTIVITY_TIMERS, time);
        }
    }

    void session(SessionSummary s) {
        emit(SESSIONS, s);
    }

    void inactivityAlert(Alert a) {
        emit(INACTIVITY, a);
    }

    void late(OutputTag<ClickEvent> tag, ClickEvent e) {
        emit(tag, e);
    }

    private <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, hasTimestamp ? new StreamRecord<>(value, timestamp) : new StreamRecord<>(value));
    }
}
