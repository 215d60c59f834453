package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.UserTimers;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * When attribution and click → purchase drop a listed click that no purchase can use any more. Which clicks are
 * candidates is decided by their times; dropping them only frees state, so it may come later than the moment a click
 * becomes unneeded, and is batched on a timer per step of the user's own grid ({@link UserTimers}).
 *
 * <p>The step depends on the backend. In RocksDB every look at a list reads it whole, so the clicks are dropped only
 * at their timers, rounded up to a tenth of the journey's reach. On the heap, where a look at the list is free, each
 * new click first drops the listed clicks the watermark has made unneeded ({@link #dropUnneeded}), so a user who
 * keeps clicking holds only the clicks still in reach, and the timer is only for a user who stops: rounded up to
 * {@link #HEAP_STEP}. A user's clicks a minute or so apart, as shoppers' are, each had a timer of their own at a
 * tenth of the reach (3 s for attribution, 1 min for click → purchase) — about one firing per click, more than half
 * of the job's timer firings ("What changed", fourteenth round, in docs/benchmarks.md) — and now share one per five
 * minutes.
 */
final class ClickDrops {
    /** The drop timers' step on the heap backend: how long a user's last clicks may stay after they stop. */
    static final long HEAP_STEP = 5 * 60_000L;

    private ClickDrops() {}

    /** The drop timer of a click unneeded from {@code unneededAt} on: at or after it, on the user's grid. */
    static long timer(long unneededAt, long reach, boolean onHeap, String user) {
        long step = onHeap ? Math.max(HEAP_STEP, reach / 10) : Math.max(1, reach / 10);
        return UserTimers.roundUp(unneededAt, step, user);
    }

    /**
     * Lists a new click in {@code list}, after dropping the clicks the watermark has made unneeded (on the heap), and
     * registers its drop timer unless the user's last listed click holds the same slot: a listed click's timer has
     * not fired yet (it would have dropped the click), and on the heap that look saves the timer service's lookup.
     */
    static void list(JourneyStore state, Journey.Scope scope, int list, ClickEvent click,
                     ToLongFunction<ClickEvent> unneededAt, long reach) throws Exception {
        dropUnneeded(state, list, scope.watermark(), unneededAt);
        String user = scope.user();
        boolean onHeap = state.onHeap();
        long timer = timer(unneededAt.applyAsLong(click), reach, onHeap, user);
        ClickEvent last = onHeap ? state.last(list) : null;
        if (last == null || timer(unneededAt.applyAsLong(last), reach, true, user) != timer) {
            scope.timer(timer);
        }
        state.add(list, click);
    }

    /**
     * On the heap, at a timer that leaves {@code kept} clicks listed: the timer of the first of them to become
     * unneeded. Nearly always that timer is set already, by that click or one sharing its slot, and this changes
     * nothing; but a click registers no timer when the user's last listed click seems to hold its slot (computed from
     * the current step and reach), and after an upgrade from a version with another step, or a restore with another
     * reach, the listed click's real timer may lie elsewhere. This keeps every listed click under a timer whatever
     * the slots before. (In RocksDB every click registers its own.)
     */
    static void rearm(JourneyStore state, Journey.Scope scope, List<ClickEvent> kept,
                      ToLongFunction<ClickEvent> unneededAt, long reach) {
        if (!state.onHeap() || kept.isEmpty()) {
            return;
        }
        long first = Long.MAX_VALUE;
        for (ClickEvent c : kept) {
            first = Math.min(first, unneededAt.applyAsLong(c));
        }
        scope.timer(timer(first, reach, true, scope.user()));
    }

    /**
     * On the heap: removes the listed clicks unneeded at {@code watermark} (their {@code unneededAt} is at or before
     * it) from the head of the list, up to the first that is still needed. Elsewhere nothing: that would read the
     * list.
     *
     * <p>Only the head is looked at: clicks are listed as they arrive, which is nearly their time order, so once one
     * is still needed the others almost always are too, and a disordered one left behind goes with a later drop or
     * at its timer, which every listed click has ({@link #list}, {@link #rearm}). Each listed click is an object of
     * its own, in a running job a cache miss to look at: reading every listed click on each drop (the whole list,
     * copied) was 2.7 % of a burst's samples, more than all the rest of the clicks' handling.
     */
    static void dropUnneeded(JourneyStore state, int list, long watermark, ToLongFunction<ClickEvent> unneededAt)
            throws Exception {
        if (!state.onHeap()) {
            return;
        }
        int unneeded = 0;
        for (ClickEvent c : state.get(list)) {
            if (unneededAt.applyAsLong(c) > watermark) {
                break;
            }
            unneeded++;
        }
        if (unneeded > 0) {
            state.dropFirst(list, unneeded);
        }
    }
}
