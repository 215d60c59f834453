package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * Conversions per user and tumbling window as a journey of {@link UserJourneys}, with the same rows as the window
 * co-group of clicks and purchases ({@link Conversions.Count}, kept as {@code journeys.conversions=window-join}).
 *
 * <p>What the co-group computes: per user and window, the clicks, the purchases and their spend, emitted once when the
 * watermark reaches the window's last millisecond, for every window with at least one of either. Here each open window
 * is three counters under the user ({@link JourneyStore#count}), with one event-time timer at its last millisecond, set
 * by its first event. An event whose window the watermark has already reached is late (as {@link OnTime} decides for
 * the co-group) and goes to {@code late}.
 *
 * <p>Cheaper than the co-group: that shuffles every click and purchase to a window operator of its own and keeps
 * them all in a list per window until it fires, to be counted then; here they are counted on arrival, in the task
 * that already holds the user's events.
 */
public class KeyedConversions implements Journey {
    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final OutputTag<ClickEvent> late;

    public KeyedConversions(long windowMillis, OutputTag<ClickEvent> late) {
        this.windowMillis = windowMillis;
        this.late = late;
    }

    @Override
    public void onEvent(ClickEvent e, Scope scope) throws Exception {
        if (e.type != EventType.CLICK && e.type != EventType.PURCHASE) {
            return;
        }
        long start = TimeWindow.getWindowStartWithOffset(e.ts, 0, windowMillis);
        long last = start + windowMillis - 1;
        if (last <= scope.watermark()) {
            scope.emit(late, e);
            return;
        }
        boolean click = e.type == EventType.CLICK;
        if (scope.state().count(start, click ? 1 : 0, click ? 0 : 1, click ? 0 : HighSpend.cents(e))) {
            scope.timer(last);
        }
    }

    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        long start = time + 1 - windowMillis;
        long[] counts = scope.state().remove(start);   // {clicks, purchases, cents}
        if (counts != null) {
            scope.emit(UserJourneys.CONVERSIONS, new Conversion(scope.user(), start, start + windowMillis, counts[0],
                    counts[1], counts[2] / 100.0));
        }
    }
}
