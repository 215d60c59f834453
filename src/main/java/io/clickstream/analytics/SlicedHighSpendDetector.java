package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
 * is the sum of its slices. Flink's sliding windows instead update every window an event belongs to (window /
 * slide of them) and fire each of them on a timer. Same alerts, revisions and late events as {@link HighSpend}'s
 * naive form, which a test checks.
 *
 * <p>Only windows above the threshold have anything to emit, and a window's total only grows (spend ≥ 0), so a
 * firing timer is registered only when a purchase takes a window over the threshold; most windows never get one.
 * The revision of a late re-firing follows Flink's counting without a timer: a window that held data when the
 * watermark passed its end has fired once. State per user: {@code slices} (slice start → cents), {@code firings}
 * (window end → times fired, kept only once a window has fired visibly or late) and one cleanup timer at the
 * point where the newest slice is past the allowed lateness; older slices are pruned as new ones arrive.
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
    private transient ValueState<Long> cleanupAt;

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
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
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
            newSlice(ctx, lastEnd - 1 + lateness, watermark);
        }
        long[] totals = null;
        for (long end = sliceStart + slide; end <= lastEnd; end += slide) {
            if (end - 1 > watermark) {
                if (totals == null) {
                    totals = totalsOfWindowsHolding(sliceStart);
                }
                if (HighSpend.above(totals[(int) ((end - sliceStart) / slide) - 1], threshold)) {
                    ctx.timerService().registerEventTimeTimer(end - 1);   // the on-time firing, with an alert
                }
            } else if (end - 1 + lateness > watermark) {
                // A late event re-fires a window that already fired and is still within the allowed lateness.
                refire(ctx.getCurrentKey(), end, current != null || hadDataBesides(sliceStart, end), out);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        long end = timestamp + 1;
        if (end % slide == 0 && firings.get(end) == null) {
            fireOnTime(ctx.getCurrentKey(), end, out);
        }
        Long cleanup = cleanupAt.value();
        if (cleanup == null) {
            prune(timestamp);   // state restored from a version with a cleanup timer per slice
        } else if (timestamp >= cleanup) {
            slices.clear();
            firings.clear();
            cleanupAt.clear();
        }
    }

    /** A slice started: prune what is past the allowed lateness, and keep the cleanup timer at the newest slice. */
    private void newSlice(Context ctx, long expiresAt, long watermark) throws Exception {
        Long cleanup = cleanupAt.value();
        if (cleanup == null || expiresAt > cleanup) {
            if (cleanup != null) {
                ctx.timerService().deleteEventTimeTimer(cleanup);
                prune(watermark);
            }
            ctx.timerService().registerEventTimeTimer(expiresAt);
            cleanupAt.update(expiresAt);
        }
    }

    /**
     * The totals of the windows that hold {@code sliceStart} (index i: the window ending at sliceStart + (i + 1) ×
     * slide), from one read of the 2n − 1 slices they span and a running sum, rather than n reads per window.
     */
    private long[] totalsOfWindowsHolding(long sliceStart) throws Exception {
        int n = (int) (size / slide);
        long[] cents = new long[2 * n - 1];
        for (int i = 0; i < cents.length; i++) {
            Long c = slices.get(sliceStart + (i - (n - 1)) * slide);
            cents[i] = c == null ? 0 : c;
        }
        long[] totals = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += cents[i];
        }
        totals[0] = sum;
        for (int k = 1; k < n; k++) {
            sum += cents[k + n - 1] - cents[k - 1];
            totals[k] = sum;
        }
        return totals;
    }

    private long total(long end) throws Exception {
        long total = 0;
        for (long s = end - size; s < end; s += slide) {
            Long cents = slices.get(s);
            if (cents != null) {
                total += cents;
            }
        }
        return total;
    }

    private boolean hadDataBesides(long slice, long end) throws Exception {
        for (long s = end - size; s < end; s += slide) {
            if (s != slice && slices.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** The watermark passed the window's end: Flink fires it if it holds data (revision 0). */
    private void fireOnTime(String user, long end, Collector<Alert> out) throws Exception {
        boolean any = false;
        for (long s = end - size; s < end && !any; s += slide) {
            any = slices.contains(s);
        }
        if (!any) {
            return;   // no purchase in this window: Flink would have no window to fire either
        }
        firings.put(end, 1);
        long total = total(end);
        if (HighSpend.above(total, threshold)) {
            out.collect(new Alert(HighSpend.CODE, user, end - size, end, total / 100.0, threshold, 0));
        }
    }

    /**
     * A late event for a window the watermark has passed. Its revision is the number of earlier firings: those
     * recorded, or else one if the window held data when the watermark passed its end (it fired then, silently
     * when below the threshold), or none if this event is its first.
     */
    private void refire(String user, long end, boolean hadData, Collector<Alert> out) throws Exception {
        Integer fired = firings.get(end);
        int revision = fired != null ? fired : hadData ? 1 : 0;
        firings.put(end, revision + 1);
        long total = total(end);
        if (HighSpend.above(total, threshold)) {
            out.collect(new Alert(HighSpend.CODE, user, end - size, end, total / 100.0, threshold, revision));
        }
    }

    /** Drops slices and firing counts of windows past the allowed lateness. */
    private void prune(long watermark) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Long>> it = slices.iterator(); it.hasNext(); ) {
            long s = it.next().getKey();
            if (s + size - 1 + lateness <= watermark) {
                expired.add(s);
            }
        }
        for (Long s : expired) {
            slices.remove(s);
        }
        expired.clear();
        for (Iterator<Map.Entry<Long, Integer>> it = firings.iterator(); it.hasNext(); ) {
            long end = it.next().getKey();
            if (end - 1 + lateness <= watermark) {
                expired.add(end);
            }
        }
        for (Long end : expired) {
            firings.remove(end);
        }
    }
}
