package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One user's state in {@link UserJourneys} on the heap backend: the events each journey keeps (lists, by
 * {@link JourneyStore} index) and the open conversion windows (start, clicks, purchases, cents, and the revision its
 * next late event emits: five longs each, by start). One value, so an event that several journeys look at costs one
 * state lookup, where functions of their own cost one or two each. An event in several lists is one object.
 *
 * <p>Mutable, and not thread-safe: the heap backend hands the task thread its own copy ({@link #copy}) while a
 * checkpoint writes this one. Events are immutable, so a copy shares them and copies only the lists. In RocksDB a
 * cached value also notes what changed since it was last written ({@link #written}), so that its
 * {@link JourneyLog} writes only that.
 */
public final class JourneyState {
    static final int WINDOW_LONGS = 5;
    private static final long[] NO_WINDOWS = new long[0];

    /** By {@link JourneyStore} index; null while empty. */
    @SuppressWarnings("unchecked")
    final ArrayList<ClickEvent>[] lists = new ArrayList[JourneyStore.LISTS];
    long[] windows = NO_WINDOWS;
    int windowCount;
    /**
     * What changed since the value was last written to its {@link JourneyLog}; null for a value that is not in one
     * (the heap, a new user), which a log writes whole.
     */
    JourneyLog.Written written;

    boolean isEmpty() {
        if (windowCount > 0) {
            return false;
        }
        for (List<ClickEvent> list : lists) {
            if (list != null && !list.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    void add(int list, ClickEvent e) {
        if (lists[list] == null) {
            lists[list] = new ArrayList<>(4);
        }
        lists[list].add(e);
    }

    List<ClickEvent> get(int list) {
        return lists[list] == null ? List.of() : lists[list];
    }

    /** Replaces a list; takes {@code events} over when it is an {@code ArrayList} the caller no longer uses. */
    void set(int list, List<ClickEvent> events) {
        if (written != null) {
            written.replaced(list);
        }
        lists[list] = events.isEmpty() ? null
                : events instanceof ArrayList ? (ArrayList<ClickEvent>) events : new ArrayList<>(events);
    }

    /** Removes the list's first {@code n} events in place: their references only, the events are not read. */
    void dropFirst(int list, int n) {
        ArrayList<ClickEvent> l = lists[list];
        if (l == null || n <= 0) {
            return;
        }
        if (written != null) {
            written.dropped(list, n);
        }
        if (n >= l.size()) {
            lists[list] = null;
        } else {
            l.subList(0, n).clear();
        }
    }

    ClickEvent last(int list) {
        List<ClickEvent> l = lists[list];
        return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
    }

    /** Adds to the window starting at {@code start}; true if that opened it. */
    boolean count(long start, long clicks, long purchases, long cents) {
        int at = find(start);
        boolean opened = at < 0;
        if (written != null) {
            written.windows = true;
        }
        if (opened) {
            at = windowCount * WINDOW_LONGS;
            if (at == windows.length) {
                windows = Arrays.copyOf(windows, Math.max(2, windowCount * 2) * WINDOW_LONGS);
            }
            windows[at] = start;
            windowCount++;
        }
        if (opened) {
            windows[at + 4] = 1;   // its first firing, on time or by a late event that opens it, is revision 0
        }
        windows[at + 1] += clicks;
        windows[at + 2] += purchases;
        windows[at + 3] += cents;
        return opened;
    }

    /**
     * Opens the window starting at {@code start} with {@code counts} = {clicks, purchases, cents, next revision}
     * (without the revision, as a window written before revisions were kept: 1), when state moves between forms.
     */
    void put(long start, long[] counts) {
        count(start, counts[0], counts[1], counts[2]);
        windows[find(start) + 4] = counts.length > 3 ? counts[3] : 1;
    }

    /** The window starting at {@code start} as {clicks, purchases, cents}, unchanged; null if it is not open. */
    long[] get(long start) {
        int at = find(start);
        return at < 0 ? null : new long[] {windows[at + 1], windows[at + 2], windows[at + 3]};
    }

    /**
     * A late event's firing of the window starting at {@code start}: {clicks, purchases, cents, revision}, and the
     * next late event's revision one more; null if it is not open.
     */
    long[] revise(long start) {
        int at = find(start);
        if (at < 0) {
            return null;
        }
        if (written != null) {
            written.windows = true;
        }
        return new long[] {windows[at + 1], windows[at + 2], windows[at + 3], windows[at + 4]++};
    }

    /** The window starting at {@code start} as {clicks, purchases, cents}, removed; null if it is not open. */
    long[] remove(long start) {
        int at = find(start);
        if (at < 0) {
            return null;
        }
        if (written != null) {
            written.windows = true;
        }
        long[] counts = {windows[at + 1], windows[at + 2], windows[at + 3]};
        int end = windowCount * WINDOW_LONGS;
        System.arraycopy(windows, at + WINDOW_LONGS, windows, at, end - at - WINDOW_LONGS);
        Arrays.fill(windows, end - WINDOW_LONGS, end, 0);
        windowCount--;
        return counts;
    }

    /** The starts of the open windows. */
    long[] windowStarts() {
        long[] starts = new long[windowCount];
        for (int i = 0; i < windowCount; i++) {
            starts[i] = windows[i * WINDOW_LONGS];
        }
        return starts;
    }

    /** Closes every window. */
    void clearWindows() {
        if (written != null && windowCount > 0) {
            written.windows = true;
        }
        Arrays.fill(windows, 0, windowCount * WINDOW_LONGS, 0);   // a window opened later counts from 0
        windowCount = 0;
    }

    /** The events in all lists. */
    int events() {
        int n = 0;
        for (List<ClickEvent> list : lists) {
            n += list == null ? 0 : list.size();
        }
        return n;
    }

    private int find(long start) {
        for (int i = 0; i < windowCount; i++) {
            if (windows[i * WINDOW_LONGS] == start) {
                return i * WINDOW_LONGS;
            }
        }
        return -1;
    }

    /**
     * {@code pending} with the events of {@code earlier} it lacks (by event id), in order; null when the earlier
     * lists are empty. See {@link JourneyStore#mergeEarlierPendingPurchases}.
     */
    @SafeVarargs
    static List<ClickEvent> union(Iterable<ClickEvent> pending, Iterable<ClickEvent>... earlier) {
        List<ClickEvent> merged = null;
        Set<String> ids = null;
        for (Iterable<ClickEvent> list : earlier) {
            for (ClickEvent e : list) {
                if (merged == null) {
                    merged = new ArrayList<>();
                    ids = new HashSet<>();
                    for (ClickEvent p : pending) {
                        merged.add(p);
                        ids.add(p.eventId);
                    }
                }
                if (ids.add(e.eventId)) {
                    merged.add(e);
                }
            }
        }
        return merged;
    }

    /** {@link JourneyStore#mergeEarlierPendingPurchases} on this value. */
    void mergeEarlierPendingPurchases() {
        List<ClickEvent> merged = union(get(JourneyStore.PENDING_PURCHASES), get(JourneyStore.CART_PURCHASES),
                get(JourneyStore.RAPID_PENDING));
        if (merged != null) {
            set(JourneyStore.CART_PURCHASES, List.of());
            set(JourneyStore.RAPID_PENDING, List.of());
            set(JourneyStore.PENDING_PURCHASES, merged);
        }
    }

    JourneyState copy() {
        JourneyState c = new JourneyState();
        for (int i = 0; i < lists.length; i++) {
            c.lists[i] = lists[i] == null ? null : new ArrayList<>(lists[i]);
        }
        c.windows = windowCount == 0 ? NO_WINDOWS : Arrays.copyOf(windows, windows.length);
        c.windowCount = windowCount;
        return c;
    }
}
