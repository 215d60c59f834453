package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * Conversions per user and tumbling window as a journey of {@link UserJourneys}, with the same rows as the window
 * co-group of clicks and purchases ({@link Conversions.Count}, kept as {@code journeys.conversions=window-join}).
 *
 * <p>What the co-group computes: per user and window, the clicks, the purchases and their spend, emitted when the
 * watermark reaches the window's last millisecond, for every window with at least one of either; then, until the
 * watermark reaches that millisecond plus the allowed lateness, once more for each late event of the window, with
 * the next revision. Here each open window is four counters under the user ({@link JourneyStore#count}: clicks,
 * purchases, cents and the revision its next late event emits), with one event-time timer at its last millisecond,
 * set by its first event, and one at the end of its lateness, set as it fires, that removes it. Its first firing is
 * revision 0, so it changes no state: only late events, which change the counts anyway, raise the revision. An event
 * whose window the watermark has passed by the allowed lateness is too late (as {@link OnTime} decides for the
 * co-group) and goes to {@code late}.
 *
 * <p>Cheaper than the co-group: that shuffles every click and purchase to a window operator of its own and keeps
 * them all in a list per window until it is purged, to be counted at each firing; here they are counted on arrival,
 * in the task that already holds the user's events.
 */
public class KeyedConversions implements Journey {
    private static final long serialVersionUID = 2L;

    private final long windowMillis;
    private final long latenessMillis;
    private final OutputTag<ClickEvent> late;

    public KeyedConversions(long windowMillis, long latenessMillis, OutputTag<ClickEvent> late) {
        this.windowMillis = windowMillis;
        this.latenessMillis = latenessMillis;
        this.late = late;
    }

    @Override
    public void onEvent(ClickEvent e, Scope scope) throws Exception {
        if (e.type != EventType.CLICK && e.type != EventType.PURCHASE) {
            return;
        }
        long start = TimeWindow.getWindowStartWithOffset(e.ts, 0, windowMillis);
        long last = start + windowMillis - 1;
        long watermark = scope.watermark();
        if (last + latenessMillis <= watermark) {
            scope.emit(late, e);
            return;
        }
        boolean click = e.type == EventType.CLICK;
        boolean opened = scope.state().count(start, click ? 1 : 0, click ? 0 : 1, click ? 0 : HighSpend.cents(e));
        if (last > watermark) {
            if (opened) {
                scope.timer(last);
            }
        } else if (opened) {
            // Late, inside the allowed lateness, and the first of its window (none came on time): its first firing.
            emit(start, scope.state().get(start), 0, scope);
            scope.timer(last + latenessMillis);
        } else {
            // Late, inside the allowed lateness: the window fires again at once, as Flink's event-time trigger does.
            long[] counts = scope.state().revise(start);   // {clicks, purchases, cents, revision}
            emit(start, counts, (int) counts[3], scope);
        }
    }

    /**
     * At a window's last millisecond it fires, and is removed then without allowed lateness; with it, the window is
     * removed at the end of its lateness. With a lateness that is a multiple of the window, one timer is both.
     */
    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        long start = time + 1 - windowMillis;
        long[] counts = latenessMillis == 0 ? scope.state().remove(start) : scope.state().get(start);
        if (counts != null) {
            emit(start, counts, 0, scope);
            if (latenessMillis > 0) {
                scope.timer(time + latenessMillis);
            }
        }
        endLateness(time, scope);
    }

    /**
     * Removes the windows that fired before {@code time} and whose lateness is over, and keeps a timer at the end of
     * the others'. Each is the window whose cleanup this timer is, or one a restore with another lateness left:
     * its cleanup timer lies at the end of the lateness before, earlier or later than the one now.
     */
    private void endLateness(long time, Scope scope) throws Exception {
        for (long start : scope.state().windowStarts()) {
            long last = start + windowMillis - 1;
            if (last >= time) {
                continue;   // not fired yet
            }
            if (last + latenessMillis <= time) {
                scope.state().remove(start);
            } else {
                scope.timer(last + latenessMillis);
            }
        }
    }

    /** Emits the window starting at {@code start}: {@code counts} = {clicks, purchases, cents, …}. */
    private void emit(long start, long[] counts, int revision, Scope scope) {
        scope.emit(UserJourneys.CONVERSIONS, new Conversion(scope.user(), start, start + windowMillis, counts[0],
                counts[1], counts[2] / 100.0, revision));
    }
}
