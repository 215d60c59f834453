package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The high-spend rule with one state update per purchase: spend is kept per slide ("slice"), and a window
 * is the sum of its slices when it fires. Flink's sliding windows instead update every window an event
 * belongs to (window / slide of them). Same alerts, revisions and late events as {@link HighSpend}'s
 * naive form, which a test checks.
 *
 * <p>State per user: {@code slices} (slice start → cents) and {@code firings} (window end → times fired).
 * Timers: one per window end that has data (the on-time firing) and one per slice to drop it once every
 * window containing it is past the allowed lateness.
 */
public class SlicedHighSpendDetector extends KeyedProcessFunction<String, ClickEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<ClickEvent> tooLate;
    private final long size;
    private final long slide;
    private final long lateness;
    private final double threshold;
    private transient MapState<Long, Long> slices;
    private transient MapState<Long, Integer> firings;

    public SlicedHighSpendDetector(AnalyticsSettings s, OutputTag<ClickEvent> tooLate) {
        this.tooLate = tooLate;
        this.size = s.highSpendWindow.toMillis();
        this.slide = s.highSpendSlide.toMillis();
        this.lateness = s.allowedLateness.toMillis();
        this.threshold = s.highSpendThreshold;
    }

    @Override
    public void open(OpenContext openContext) {
        slices = getRuntimeContext().getMapState(new MapStateDescriptor<>("slices", Types.LONG, Types.LONG));
        firings = getRuntimeContext().getMapState(new MapStateDescriptor<>("firings", Types.LONG, Types.INT));
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<Alert> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        long sliceStart = TimeWindow.getWindowStartWithOffset(e.ts, 0, slide);
        long lastEnd = sliceStart + size;
        if (lastEnd - 1 + lateness <= watermark) {
            ctx.output(tooLate, e);   // every window holding it is past the allowed lateness
            return;
        }
        Long current = slices.get(sliceStart);
        slices.put(sliceStart, (current == null ? 0 : current) + HighSpend.cents(e));
        if (current == null) {
            for (long end = sliceStart + slide; end <= lastEnd; end += slide) {
                if (end - 1 > watermark) {
                    ctx.timerService().registerEventTimeTimer(end - 1);
                }
            }
            ctx.timerService().registerEventTimeTimer(lastEnd - 1 + lateness);
        }
        // A late event re-fires the windows that already fired and are still within the allowed lateness.
        for (long end = sliceStart + slide; end <= lastEnd; end += slide) {
            if (end - 1 <= watermark && end - 1 + lateness > watermark) {
                fire(ctx.getCurrentKey(), end, out);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        long end = timestamp + 1;
        if (end % slide == 0 && firings.get(end) == null) {
            fire(ctx.getCurrentKey(), end, out);   // on time
        }
        // By the timer's time, not the watermark: at the end of input the watermark jumps to +inf and every
        // pending timer fires in order; each must still see the slices of the windows after it.
        dropExpired(timestamp);
    }

    private void fire(String user, long end, Collector<Alert> out) throws Exception {
        long total = 0;
        boolean any = false;
        for (long s = end - size; s < end; s += slide) {
            Long cents = slices.get(s);
            if (cents != null) {
                total += cents;
                any = true;
            }
        }
        if (!any) {
            return;   // no purchase in this window: Flink would have no window to fire either
        }
        Integer fired = firings.get(end);
        int revision = fired == null ? 0 : fired;
        firings.put(end, revision + 1);
        if (HighSpend.above(total, threshold)) {
            out.collect(new Alert(HighSpend.CODE, user, end - size, end, total / 100.0, threshold, revision));
        }
    }

    private void dropExpired(long now) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Long>> it = slices.iterator(); it.hasNext(); ) {
            long s = it.next().getKey();
            if (s + size - 1 + lateness <= now) {
                expired.add(s);
            }
        }
        for (Long s : expired) {
            slices.remove(s);
        }
        expired.clear();
        for (Iterator<Map.Entry<Long, Integer>> it = firings.iterator(); it.hasNext(); ) {
            long end = it.next().getKey();
            if (end - 1 + lateness <= now) {
                expired.add(end);
            }
        }
        for (Long end : expired) {
            firings.remove(end);
        }
    }
}
