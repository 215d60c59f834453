package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides lateness for a two-input operator (a join) on a single input, ahead of it. A two-input operator's
 * watermark is the smaller of its inputs', and which input it reads next is a race: whether an event counts as
 * late there would change from run to run. Here it is decided once, against this operator's own watermark, and
 * late events go to a side output instead of being dropped silently.
 *
 * <p>This runs before the join's shuffle and its watermark is at least the join's; so an event it lets through is
 * strictly ahead of the join's watermark too: the join neither drops it nor has cleaned up its partners yet.
 */
final class OnTime extends ProcessFunction<ClickEvent, ClickEvent> {
    private final long windowMillis;
    private final long latenessMillis;
    private final OutputTag<ClickEvent> late;

    private OnTime(long windowMillis, long latenessMillis, OutputTag<ClickEvent> late) {
        this.windowMillis = windowMillis;
        this.latenessMillis = latenessMillis;
        this.late = late;
    }

    /** An event is late once the watermark has reached its own time (for interval joins). */
    static OnTime forEvents(OutputTag<ClickEvent> late) {
        return new OnTime(0, 0, late);
    }

    /**
     * An event is too late once the watermark has reached the end of its tumbling window plus the allowed lateness
     * (for window joins): the window is purged then. Before that, the window fires again with it.
     */
    static OnTime forTumblingWindows(long windowMillis, long latenessMillis, OutputTag<ClickEvent> late) {
        return new OnTime(windowMillis, latenessMillis, late);
    }

    /** The time that must still be ahead of the watermark for {@code e} to be on time. */
    long deadline(ClickEvent e) {
        return windowMillis == 0 ? e.ts
                : TimeWindow.getWindowStartWithOffset(e.ts, 0, windowMillis) + windowMillis - 1 + latenessMillis;
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<ClickEvent> out) {
        if (deadline(e) <= ctx.timerService().currentWatermark()) {
            ctx.output(late, e);
        } else {
            out.collect(e);
        }
    }
}
