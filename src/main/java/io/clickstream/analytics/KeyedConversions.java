package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Conversions per user and tumbling window as a keyed function, with the same rows as the window co-group of
 * clicks and purchases ({@link Conversions.Count}, kept as {@code journeys.conversions=window-join}).
 *
 * <p>What the co-group computes: per user and window, the clicks, the purchases and their spend, emitted once when
 * the watermark reaches the window's last millisecond, for every window with at least one of either. Here each
 * open window is three counters in a map under the user, with one event-time timer at its last millisecond, set by
 * its first event. An event whose window the watermark has already reached is late (as {@link OnTime} decides for
 * the co-group) and goes to {@code late}.
 *
 * <p>Cheaper than the co-group: that shuffles every click and purchase to a window operator of its own and keeps
 * them all in a list per window until it fires, to be counted then; here they are counted on arrival, in the task
 * that already holds the user's events.
 */
public class KeyedConversions extends KeyedProcessFunction<String, ClickEvent, Conversion> {
    private static final long serialVersionUID = 1L;
    private static final int CLICKS = 0;
    private static final int PURCHASES = 1;
    private static final int CENTS = 2;

    private final long windowMillis;
    private final OutputTag<ClickEvent> late;
    /** Window start → {clicks, purchases, spend in cents}. */
    private transient MapState<Long, long[]> windows;

    public KeyedConversions(long windowMillis, OutputTag<ClickEvent> late) {
        this.windowMillis = windowMillis;
        this.late = late;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>("open-windows", Types.LONG,
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<Conversion> out) throws Exception {
        if (e.type != EventType.CLICK && e.type != EventType.PURCHASE) {
            return;
        }
        long start = TimeWindow.getWindowStartWithOffset(e.ts, 0, windowMillis);
        long last = start + windowMillis - 1;
        if (last <= ctx.timerService().currentWatermark()) {
            ctx.output(late, e);
            return;
        }
        long[] counts = windows.get(start);
        if (counts == null) {
            counts = new long[3];
            ctx.timerService().registerEventTimeTimer(last);
        }
        if (e.type == EventType.CLICK) {
            counts[CLICKS]++;
        } else {
            counts[PURCHASES]++;
            counts[CENTS] += HighSpend.cents(e);
        }
        windows.put(start, counts);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Conversion> out) throws Exception {
        long start = time + 1 - windowMillis;
        long[] counts = windows.get(start);
        if (counts != null) {
            out.collect(new Conversion(ctx.getCurrentKey(), start, start + windowMillis, counts[CLICKS],
                    counts[PURCHASES], counts[CENTS] / 100.0));
            windows.remove(start);
        }
    }
}
