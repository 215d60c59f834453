package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The current user's state in {@link UserJourneys}, as its journeys see it: event lists and the open conversion
 * windows. Two forms. On the heap, one {@link JourneyState} value per user: read once per event or timer and
 * changed in place, since the heap backend keeps the object itself; the same in RocksDB with its recent users'
 * values cached on the heap ({@code checkpoint.rocksdb-cached-users}), each written at each checkpoint as the
 * changes since the last ({@link JourneyLog}). In RocksDB without the cache, a list state per list and a map state
 * for the windows: there every read deserializes, and one value would be rewritten whole on every event, where
 * appending to a list state is a merge that reads nothing.
 */
interface JourneyStore {
    /** Attribution: the user's recent clicks, and purchases not yet decided. */
    int ATTRIBUTION_CLICKS = 0;
    int ATTRIBUTION_PURCHASES = 1;
    /** Click → purchase: clicks not yet used or out of reach. */
    int OPEN_CLICKS = 2;
    /**
     * Purchases the watermark has not reached, which click → purchase, cart abandonment and rapid purchases decide
     * when it does ({@link UserJourneys#duePurchases}).
     */
    int PENDING_PURCHASES = 3;
    /** Cart abandonment: the user's open carts. */
    int OPEN_CARTS = 4;
    /**
     * Earlier versions' pending purchases of cart abandonment and rapid purchases, each journey with a list of its
     * own: no longer written, and merged into {@link #PENDING_PURCHASES} when state of such a version is restored
     * ({@link #mergeEarlierPendingPurchases}).
     */
    int CART_PURCHASES = 5;
    int RAPID_PENDING = 6;
    /** Rapid purchases: the decided purchases a series could start with. */
    int RAPID_SERIES = 7;
    int LISTS = 8;
    /** The list states' names in RocksDB. */
    String[] LIST_NAMES = {"recent-clicks", "undecided-purchases", "open-clicks", "pending-purchases",
            "open-carts", "cart-pending-purchases", "rapid-pending-purchases", "rapid-series"};
    String WINDOWS_NAME = "open-windows";
    String VALUE_NAME = "user-journeys";

    TypeInformation<ClickEvent> EVENT = TypeInformation.of(ClickEvent.class);

    static ListStateDescriptor<ClickEvent> list(int list) {
        return new ListStateDescriptor<>(LIST_NAMES[list], EVENT);
    }

    static MapStateDescriptor<Long, long[]> windows() {
        return new MapStateDescriptor<>(WINDOWS_NAME, Types.LONG, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    static ValueStateDescriptor<JourneyState> value() {
        return new ValueStateDescriptor<>(VALUE_NAME, new JourneyStateSerializer());
    }

    /** Whether a look at a list is free (the heap: it is the object in state), so that {@link #last} may be used. */
    boolean onHeap();

    void add(int list, ClickEvent e) throws Exception;

    /** The list's last event, or null when it is empty. Only where {@link #onHeap}. */
    ClickEvent last(int list) throws Exception;

    /** The list's events; not to be changed, and not to be kept past the current event or timer. */
    Iterable<ClickEvent> get(int list) throws Exception;

    /** Replaces the list; the store may keep {@code events}, so the caller must not use it afterwards. */
    void set(int list, List<ClickEvent> events) throws Exception;

    /** Removes the list's first {@code n} events (at most its size). Only where {@link #onHeap}. */
    void dropFirst(int list, int n) throws Exception;

    /** Adds to the counts of the conversion window starting at {@code start}; true if that opened the window. */
    boolean count(long start, long clicks, long purchases, long cents) throws Exception;

    /** The conversion window starting at {@code start}: {clicks, purchases, cents}, unchanged; null if not open. */
    long[] get(long start) throws Exception;

    /**
     * A late event's firing of the conversion window starting at {@code start}: its {clicks, purchases, cents,
     * revision}, and the next late event's revision one more; null if it is not open. A window's first firing, on
     * time or by the late event that opened it, is revision 0 and changes nothing.
     */
    long[] revise(long start) throws Exception;

    /** Removes the conversion window starting at {@code start}: {clicks, purchases, cents}, or null if not open. */
    long[] remove(long start) throws Exception;

    /**
     * Opens the conversion window starting at {@code start} with {@code counts}: {clicks, purchases, cents, next
     * revision}, or without the revision as written before revisions were kept (then 1: such a window was opened on
     * time and has not fired). For moving state between forms.
     */
    void put(long start, long[] counts) throws Exception;

    /** The starts of the user's open conversion windows. */
    long[] windowStarts() throws Exception;

    /** Removes every conversion window of the user. */
    void removeWindows() throws Exception;

    /** Called after each event and timer: a store that changed its user's value in place stores or clears it. */
    void done() throws Exception;

    /**
     * Moves the current user's pending purchases of earlier versions' own lists ({@link #CART_PURCHASES},
     * {@link #RAPID_PENDING}) into {@link #PENDING_PURCHASES}, once each: every journey listed every purchase it
     * was on for, so they are the same purchases.
     */
    default void mergeEarlierPendingPurchases() throws Exception {
        List<ClickEvent> merged = JourneyState.union(get(PENDING_PURCHASES), get(CART_PURCHASES), get(RAPID_PENDING));
        if (merged != null) {
            set(CART_PURCHASES, new ArrayList<>());
            set(RAPID_PENDING, new ArrayList<>());
            set(PENDING_PURCHASES, merged);
        }
    }

    /**
     * One value per user, read at most once per event or timer. The heap backend hands out the object it holds
     * (its own copy while a checkpoint writes the previous one), so changes in place need no write back; a new
     * value is stored, and an empty one cleared, by {@link #done}. The same over RocksDB behind a
     * {@link io.clickstream.event.CachedValueState} (over a {@link JourneyLog}), which hands out its cached object
     * too, but must be told of every change ({@code writeBack}).
     */
    final class OneValue implements JourneyStore {
        private final ValueState<JourneyState> state;
        private final boolean writeBack;
        private JourneyState value;
        private boolean read;
        private boolean created;

        /** {@code writeBack}: whether a value changed in place is written again (to mark it changed). */
        OneValue(ValueState<JourneyState> state, boolean writeBack) {
            this.state = state;
            this.writeBack = writeBack;
        }

        private JourneyState reading() throws Exception {
            if (!read) {
                value = state.value();
                read = true;
            }
            return value;
        }

        private JourneyState writing() throws Exception {
            if (reading() == null) {
                value = new JourneyState();
                created = true;
            }
            return value;
        }

        @Override
        public boolean onHeap() {
            return true;
        }

        @Override
        public void add(int list, ClickEvent e) throws Exception {
            writing().add(list, e);
        }

        @Override
        public ClickEvent last(int list) throws Exception {
            JourneyState s = reading();
            return s == null ? null : s.last(list);
        }

        @Override
        public Iterable<ClickEvent> get(int list) throws Exception {
            JourneyState s = reading();
            return s == null ? List.of() : s.get(list);
        }

        @Override
        public void set(int list, List<ClickEvent> events) throws Exception {
            if (reading() != null || !events.isEmpty()) {
                writing().set(list, events);
            }
        }

        @Override
        public void dropFirst(int list, int n) throws Exception {
            JourneyState s = reading();
            if (s != null) {
                s.dropFirst(list, n);
            }
        }

        @Override
        public boolean count(long start, long clicks, long purchases, long cents) throws Exception {
            return writing().count(start, clicks, purchases, cents);
        }

        @Override
        public long[] get(long start) throws Exception {
            JourneyState s = reading();
            return s == null ? null : s.get(start);
        }

        @Override
        public long[] revise(long start) throws Exception {
            JourneyState s = reading();
            return s == null ? null : s.revise(start);
        }

        @Override
        public long[] remove(long start) throws Exception {
            JourneyState s = reading();
            return s == null ? null : s.remove(start);
        }

        @Override
        public void put(long start, long[] counts) throws Exception {
            writing().put(start, counts);
        }

        @Override
        public long[] windowStarts() throws Exception {
            JourneyState s = reading();
            return s == null ? new long[0] : s.windowStarts();
        }

        @Override
        public void removeWindows() throws Exception {
            JourneyState s = reading();
            if (s != null) {
                s.clearWindows();
            }
        }

        @Override
        public void done() throws Exception {
            if (value != null) {
                if (value.isEmpty()) {
                    if (!created) {
                        state.clear();
                    }
                } else if (created || writeBack) {
                    state.update(value);
                }
            }
            value = null;
            read = false;
            created = false;
        }

        /** Moves the current user's value into {@code into} and clears it here. */
        void moveTo(JourneyStore into) throws Exception {
            JourneyState s = state.value();
            if (s != null) {
                for (int l = 0; l < LISTS; l++) {
                    for (ClickEvent e : s.get(l)) {
                        into.add(l, e);
                    }
                }
                for (int i = 0; i < s.windowCount; i++) {
                    int at = i * JourneyState.WINDOW_LONGS;
                    into.put(s.windows[at], Arrays.copyOfRange(s.windows, at + 1, at + JourneyState.WINDOW_LONGS));
                }
                state.clear();
            }
            into.done();
        }
    }

    /** A list state per list and a map state for the windows: each access goes to the backend. */
    final class Lists implements JourneyStore {
        private final List<ListState<ClickEvent>> lists;
        private final MapState<Long, long[]> windows;

        Lists(List<ListState<ClickEvent>> lists, MapState<Long, long[]> windows) {
            this.lists = lists;
            this.windows = windows;
        }

        @Override
        public boolean onHeap() {
            return false;
        }

        @Override
        public void add(int list, ClickEvent e) throws Exception {
            lists.get(list).add(e);
        }

        @Override
        public ClickEvent last(int list) {
            throw new UnsupportedOperationException("reading a list state's last event reads the whole list here");
        }

        @Override
        public Iterable<ClickEvent> get(int list) throws Exception {
            Iterable<ClickEvent> events = lists.get(list).get();
            return events == null ? List.of() : events;
        }

        @Override
        public void set(int list, List<ClickEvent> events) throws Exception {
            lists.get(list).update(events);
        }

        @Override
        public void dropFirst(int list, int n) {
            throw new UnsupportedOperationException("dropping a list state's first events reads the whole list here");
        }

        /**
         * The window's {clicks, purchases, cents, next revision}, or null if not open. Written before revisions were
         * kept, a window has three counts: it was opened on time and has not fired (it was removed as it fired).
         */
        private long[] window(long start) throws Exception {
            long[] counts = windows.get(start);
            return counts == null || counts.length == 4 ? counts : withRevision(counts);
        }

        private static long[] withRevision(long[] counts) {
            long[] c = Arrays.copyOf(counts, 4);
            if (counts.length < 4) {
                c[3] = 1;
            }
            return c;
        }

        @Override
        public boolean count(long start, long clicks, long purchases, long cents) throws Exception {
            long[] counts = window(start);
            boolean opened = counts == null;
            if (opened) {
                counts = new long[] {0, 0, 0, 1};   // its first firing, on time or now, is revision 0
            }
            counts[0] += clicks;
            counts[1] += purchases;
            counts[2] += cents;
            windows.put(start, counts);
            return opened;
        }

        @Override
        public long[] get(long start) throws Exception {
            return window(start);
        }

        @Override
        public long[] revise(long start) throws Exception {
            long[] counts = window(start);
            if (counts == null) {
                return null;
            }
            long[] fired = counts.clone();
            counts[3]++;
            windows.put(start, counts);
            return fired;
        }

        @Override
        public long[] remove(long start) throws Exception {
            long[] counts = windows.get(start);
            if (counts != null) {
                windows.remove(start);
            }
            return counts;
        }

        @Override
        public void put(long start, long[] counts) throws Exception {
            windows.put(start, withRevision(counts));
        }

        @Override
        public long[] windowStarts() throws Exception {
            List<Long> starts = new ArrayList<>();
            for (Long start : windows.keys()) {
                starts.add(start);
            }
            return starts.stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public void removeWindows() {
            windows.clear();
        }

        @Override
        public void done() {}

        /** Moves the current user's lists and windows into {@code into} and clears them here. */
        void moveTo(JourneyStore into) throws Exception {
            for (int l = 0; l < LISTS; l++) {
                for (ClickEvent e : get(l)) {
                    into.add(l, e);
                }
                lists.get(l).clear();
            }
            List<Map.Entry<Long, long[]>> open = new ArrayList<>();
            for (Map.Entry<Long, long[]> w : windows.entries()) {
                open.add(w);
            }
            for (Map.Entry<Long, long[]> w : open) {
                into.put(w.getKey(), w.getValue());
            }
            windows.clear();
            into.done();
        }
    }
}
