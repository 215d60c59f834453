package io.clickstream.analytics;

import io.clickstream.event.CachedValueState;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.HeapAware;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The keyed journeys over a user's clicks, carts and purchases (attribution, conversions, click → purchase, cart
 * abandonment, rapid purchases) in one operator, each a {@link Journey} with its own rules, late output and
 * timers, sharing the user's state.
 *
 * <p>Why one operator: the journeys look at the same events of the user (a purchase meets all five), and as
 * functions of their own each paid for it separately: a state lookup or two (on the heap a cache miss each: a
 * user's entries of different operators lie in different maps), an operator's per-record work, and a copy of the
 * event for each function's input. Here an event costs one lookup of the user's {@link JourneyState} on the heap.
 * The results leave as side outputs ({@link #ATTRIBUTION}, {@link #CONVERSIONS}, {@link #CLICK_TO_PURCHASE},
 * {@link #CART_ABANDONED}, {@link #RAPID_PURCHASES}); there is no main output.
 *
 * <p>Timers: each journey's timers are in a namespace of their own (its position), so a timer runs only the
 * journey that set it, and in RocksDB reads only that journey's lists. A purchase is the exception: click →
 * purchase, cart abandonment and rapid purchases each decide it once the watermark reaches its time, so it waits
 * in one list ({@link JourneyStore#PENDING_PURCHASES}) with one timer ({@link #PURCHASES_DUE}) that runs the three
 * on it ({@link Journey.Scope#duePurchases}), where a list and a timer each cost three appends, three timer
 * registrations and three firings per purchase. The state's form follows the backend and the RocksDB cache
 * ({@link JourneyStore}, {@link JourneyLog}); each form takes over the others' state when the operator opens, so a
 * savepoint taken on either backend, with the cache on or off, restores into every form.
 */
public class UserJourneys extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<ClickEvent, Void>, Triggerable<String, Integer>, Journey.Scope {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Attribution> ATTRIBUTION = output("attribution", Attribution.class);
    public static final OutputTag<Conversion> CONVERSIONS = output("conversions", Conversion.class);
    public static final OutputTag<ClickToPurchase> CLICK_TO_PURCHASE = output("click-to-purchase", ClickToPurchase.class);
    public static final OutputTag<Alert> CART_ABANDONED = output("cart-abandoned", Alert.class);
    public static final OutputTag<Alert> RAPID_PURCHASES = output("rapid-purchases", Alert.class);

    private static final int ATTRIBUTION_JOURNEY = 0;
    private static final int CONVERSIONS_JOURNEY = 1;
    private static final int CLICK_TO_PURCHASE_JOURNEY = 2;
    private static final int CART_JOURNEY = 3;
    private static final int RAPID_PURCHASES_JOURNEY = 4;
    /** The namespace of the timers that decide pending purchases for every journey that reads them. */
    static final int PURCHASES_DUE = 5;
    private static final int[] DECIDE_PURCHASES = {CLICK_TO_PURCHASE_JOURNEY, CART_JOURNEY, RAPID_PURCHASES_JOURNEY};

    /** By position, which is the namespace of each journey's timers in checkpoints; null where off. */
    private final Journey[] journeys;
    /** Null: the state's form follows the backend; otherwise forced (tests of each form). */
    private final Boolean oneValue;
    /** RocksDB only: the users whose values stay on the heap between checkpoints ({@link CachedValueState}); 0: none. */
    private final int cachedUsers;
    private transient InternalTimerService<Integer> timers;
    private transient JourneyStore store;
    /** The cache in front of RocksDB, when there is one. */
    private transient CachedValueState<JourneyState> cache;
    private transient int running;
    private transient long timestamp;
    private transient boolean hasTimestamp;
    /** The purchases the timer that is running decides; empty outside such a timer. */
    private transient List<ClickEvent> duePurchases = List.of();

    /** The journeys, each null when it is off (its other form runs elsewhere). */
    public UserJourneys(KeyedAttribution attribution, KeyedConversions conversions, ClickThenPurchase clickToPurchase,
                        CartAbandonment carts, RapidPurchases rapidPurchases) {
        this(null, 0, attribution, conversions, clickToPurchase, carts, rapidPurchases);
    }

    /** The journeys; in RocksDB, {@code cachedUsers} users' values stay on the heap between checkpoints. */
    public UserJourneys(int cachedUsers, KeyedAttribution attribution, KeyedConversions conversions,
                        ClickThenPurchase clickToPurchase, CartAbandonment carts, RapidPurchases rapidPurchases) {
        this(null, cachedUsers, attribution, conversions, clickToPurchase, carts, rapidPurchases);
    }

    /** {@code oneValue}: the state's form, whatever the backend ({@link JourneyStore.OneValue} or the lists). */
    UserJourneys(Boolean oneValue, KeyedAttribution attribution, KeyedConversions conversions,
                 ClickThenPurchase clickToPurchase, CartAbandonment carts, RapidPurchases rapidPurchases) {
        this(oneValue, 0, attribution, conversions, clickToPurchase, carts, rapidPurchases);
    }

    private UserJourneys(Boolean oneValue, int cachedUsers, KeyedAttribution attribution, KeyedConversions conversions,
                         ClickThenPurchase clickToPurchase, CartAbandonment carts, RapidPurchases rapidPurchases) {
        this.journeys = new Journey[5];
        journeys[ATTRIBUTION_JOURNEY] = attribution;
        journeys[CONVERSIONS_JOURNEY] = conversions;
        journeys[CLICK_TO_PURCHASE_JOURNEY] = clickToPurchase;
        journeys[CART_JOURNEY] = carts;
        journeys[RAPID_PURCHASES_JOURNEY] = rapidPurchases;
        this.oneValue = oneValue;
        this.cachedUsers = cachedUsers;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    private static <T> OutputTag<T> output(String id, Class<T> type) {
        return new OutputTag<>(id, TypeInformation.of(type));
    }

    /** Whether the user's state is one value (after open). */
    boolean stateIsOneValue() {
        return store instanceof JourneyStore.OneValue;
    }

    /** The current user's events in one of the {@link JourneyStore} lists; for tests. */
    List<ClickEvent> listed(int list) throws Exception {
        List<ClickEvent> events = new ArrayList<>();
        store.get(list).forEach(events::add);
        return events;
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("journey-timers", IntSerializer.INSTANCE, this);
        boolean onHeap = HeapAware.onHeap(getKeyedStateBackend());
        // Three forms (JourneyStore): one value on the heap; in RocksDB with the cache, the cached values written to
        // a log of their changes; in RocksDB without it, a list state per list and a map state for the windows.
        ValueState<JourneyState> valueState = getPartitionedState(JourneyStore.value());
        JourneyLog log = new JourneyLog(getPartitionedState(JourneyLog.descriptor()));
        List<ListState<ClickEvent>> lists = new ArrayList<>();
        for (int l = 0; l < JourneyStore.LISTS; l++) {
            lists.add(getPartitionedState(JourneyStore.list(l)));
        }
        JourneyStore.Lists listed = new JourneyStore.Lists(lists, getPartitionedState(JourneyStore.windows()));
        JourneyStore.OneValue value = new JourneyStore.OneValue(valueState, false);
        List<String> listNames = new ArrayList<>(List.of(JourneyStore.LIST_NAMES));
        listNames.add(JourneyStore.WINDOWS_NAME);
        List<String> valueName = List.of(JourneyStore.VALUE_NAME);
        List<String> logName = List.of(JourneyLog.NAME);
        List<String> inUse;
        if (oneValue == null && !onHeap && cachedUsers > 0) {
            cache = new CachedValueState<>(log, this, cachedUsers);
            store = new JourneyStore.OneValue(cache, true);
            inUse = logName;
        } else if (oneValue != null ? oneValue : onHeap) {
            store = value;
            inUse = valueName;
        } else {
            store = listed;
            inUse = listNames;
        }
        // Every form's states are registered, so that the one in use takes over what the others left in a
        // savepoint (taken on the other backend, or with the cache on or off): once, here, user by user.
        if (store != listed) {
            for (String user : keysOf(listNames)) {
                setCurrentKey(user);
                listed.moveTo(store);
                store.mergeEarlierPendingPurchases();
                store.done();
            }
        } else {
            // In the other forms the serializer merges them as it reads a value, or they were never written.
            for (String user : keysOf(List.of(JourneyStore.LIST_NAMES[JourneyStore.CART_PURCHASES],
                    JourneyStore.LIST_NAMES[JourneyStore.RAPID_PENDING]))) {
                setCurrentKey(user);
                listed.mergeEarlierPendingPurchases();
            }
        }
        if (store != value) {
            for (String user : keysOf(valueName)) {
                setCurrentKey(user);
                value.moveTo(store);
            }
        }
        if (cache == null) {
            JourneyStore.OneValue logged = new JourneyStore.OneValue(log, false);
            for (String user : keysOf(logName)) {
                setCurrentKey(user);
                logged.moveTo(store);
            }
        } else {
            cache.flush();   // so that the users moved in are in the log's keys below
        }
        forgetJourneysThatAreOff(inUse);
    }

    /**
     * A journey switched to its Flink form since the savepoint leaves its events and windows here, which nothing
     * would read or drop (on the heap they would keep the user's value alive): they go, once, at the start.
     */
    private void forgetJourneysThatAreOff(List<String> states) throws Exception {
        boolean allOn = true;
        for (Journey j : journeys) {
            allOn &= j != null;
        }
        if (allOn) {
            return;
        }
        for (String user : keysOf(states)) {
            setCurrentKey(user);
            forgetIfOff(ATTRIBUTION_JOURNEY, JourneyStore.ATTRIBUTION_CLICKS, JourneyStore.ATTRIBUTION_PURCHASES);
            if (journeys[CONVERSIONS_JOURNEY] == null) {
                store.removeWindows();
            }
            forgetIfOff(CLICK_TO_PURCHASE_JOURNEY, JourneyStore.OPEN_CLICKS);
            forgetIfOff(CART_JOURNEY, JourneyStore.OPEN_CARTS);
            forgetIfOff(RAPID_PURCHASES_JOURNEY, JourneyStore.RAPID_SERIES);
            if (!decidesPurchases()) {
                store.set(JourneyStore.PENDING_PURCHASES, new ArrayList<>());
            }
            store.done();
        }
    }

    private void forgetIfOff(int journey, int... lists) throws Exception {
        if (journeys[journey] == null) {
            for (int list : lists) {
                store.set(list, new ArrayList<>());
            }
        }
    }

    private Set<String> keysOf(List<String> states) {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        Set<String> keys = new LinkedHashSet<>();
        for (String name : states) {
            try (Stream<String> k = backend.getKeys(name, VoidNamespace.INSTANCE)) {
                k.forEach(keys::add);
            }
        }
        return keys;
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
        ClickEvent e = element.getValue();
        if (e.type == EventType.PURCHASE && decidesPurchases() && e.ts > watermark()) {
            // One list and one timer for the journeys that decide a purchase once the watermark reaches it.
            store.add(JourneyStore.PENDING_PURCHASES, e);
            timers.registerEventTimeTimer(PURCHASES_DUE, e.ts);
        }
        for (int i = 0; i < journeys.length; i++) {
            if (journeys[i] != null) {
                running = i;
                journeys[i].onEvent(e, this);
            }
        }
        store.done();
    }

    /** Whether a journey that decides pending purchases at their time is on. */
    private boolean decidesPurchases() {
        return journeys[CLICK_TO_PURCHASE_JOURNEY] != null || journeys[CART_JOURNEY] != null
                || journeys[RAPID_PURCHASES_JOURNEY] != null;
    }

    /**
     * A timer of the pending purchases, or of a journey that reads them, first takes the purchases it has reached
     * and runs every such journey on them (so a journey's own timer at the same time finds them decided and its own
     * work done). Timers fire in time order, so each journey sees the purchases in order, and at a timer of its own
     * none that the watermark has reached is left undecided.
     */
    @Override
    public void onEventTime(InternalTimer<String, Integer> timer) throws Exception {
        hasTimestamp = true;
        timestamp = timer.getTimestamp();
        int namespace = timer.getNamespace();
        if (namespace == PURCHASES_DUE || namespace == CLICK_TO_PURCHASE_JOURNEY || namespace == CART_JOURNEY
                || namespace == RAPID_PURCHASES_JOURNEY) {
            duePurchases = takeDuePurchases(timer.getTimestamp());
            if (!duePurchases.isEmpty()) {
                for (int j : DECIDE_PURCHASES) {
                    if (journeys[j] != null) {
                        running = j;
                        journeys[j].onTimer(timer.getTimestamp(), this);
                    }
                }
                duePurchases = List.of();
                store.done();
                return;
            }
        }
        running = namespace;
        if (namespace < journeys.length && journeys[running] != null) {   // null: set before the form was changed
            journeys[running].onTimer(timer.getTimestamp(), this);
        }
        store.done();
    }

    /** The pending purchases stamped at or before {@code time}, in (time, id) order, taken off the list. */
    private List<ClickEvent> takeDuePurchases(long time) throws Exception {
        Iterable<ClickEvent> pending = store.get(JourneyStore.PENDING_PURCHASES);
        boolean any = false;
        for (ClickEvent p : pending) {
            any |= p.ts <= time;
        }
        if (!any) {
            return List.of();   // a journey's own timer, with no purchase due: nothing allocated
        }
        List<ClickEvent> due = new ArrayList<>();
        List<ClickEvent> later = new ArrayList<>();
        for (ClickEvent p : pending) {
            (p.ts <= time ? due : later).add(p);
        }
        store.set(JourneyStore.PENDING_PURCHASES, later);
        due.sort(Patterns.BY_TIME_THEN_ID);
        return due;
    }

    @Override
    public void onProcessingTime(InternalTimer<String, Integer> timer) {
        throw new IllegalStateException("the journeys set no processing-time timer, yet one fired for user "
                + timer.getKey() + " at " + timer.getTimestamp());
    }

    @Override
    public String user() {
        return (String) getCurrentKey();
    }

    @Override
    public long watermark() {
        return timers.currentWatermark();
    }

    @Override
    public JourneyStore state() {
        return store;
    }

    @Override
    public List<ClickEvent> duePurchases() {
        return duePurchases;
    }

    @Override
    public void timer(long time) {
        timers.registerEventTimeTimer(running, time);
    }

    @Override
    public void deleteTimer(long time) {
        timers.deleteEventTimeTimer(running, time);
    }

    @Override
    public <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, hasTimestamp ? new StreamRecord<>(value, timestamp) : new StreamRecord<>(value));
    }
}
