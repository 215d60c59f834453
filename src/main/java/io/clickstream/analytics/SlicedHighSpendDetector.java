package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import io.clickstream.event.CachedValueState;
import io.clickstream.event.HeapAware;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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
 * watermark passed its end has fired once. State per user: one {@link SpendSlices} value (slice start → cents,
 * and window end → times fired, kept only once a window has fired visibly or late), read and written once per
 * purchase, and one cleanup timer at the point where the newest slice is past the allowed lateness; older slices
 * are pruned as new ones arrive.
 *
 * <p>On RocksDB the recent users' value and cleanup time stay on the heap between checkpoints
 * ({@link CachedValueState}, {@code checkpoint.rocksdb-cached-users}), when it runs in {@link HeapAware.Operator}:
 * a purchase then costs no RocksDB call, where it cost four or five (value, cleanup time, their writes).
 *
 * <p>Versions before this one kept the slices and firing counts in two map states, a state lookup per slice
 * read (nine per purchase with the defaults). A user's map entries restored from such a checkpoint move into
 * the value on that user's next purchase or timer.
 */
public class SlicedHighSpendDetector extends KeyedProcessFunction<String, ClickEvent, Alert> implements HeapAware {
    private static final long serialVersionUID = 1L;

    private final OutputTag<ClickEvent> tooLate;
    private final long size;
    private final long slide;
    private final long lateness;
    private final double threshold;
    /** RocksDB only: the users whose value and cleanup time stay on the heap between checkpoints; 0: none. */
    private final int cachedUsers;
    private transient ValueState<SpendSlices> spend;
    private transient ValueState<Long> cleanupAt;
    /** The caches in front of {@link #spend} and {@link #cleanupAt} on RocksDB, or null. */
    private transient CachedValueState<SpendSlices> cachedSpend;
    private transient CachedValueState<Long> cachedCleanupAt;
    private transient boolean onHeap;
    private transient KeyContext keys;
    /** The state of earlier versions, read once per user to take it over. */
    private transient MapState<Long, Long> oldSlices;
    private transient MapState<Long, Integer> oldFirings;

    public SlicedHighSpendDetector(AnalyticsSettings s, OutputTag<ClickEvent> tooLate) {
        this.tooLate = tooLate;
        this.size = s.highSpendWindow.toMillis();
        this.slide = s.highSpendSlide.toMillis();
        this.lateness = s.allowedLateness.toMillis();
        this.threshold = s.highSpendThreshold;
        this.cachedUsers = s.cachedUsers;
    }

    /** The detector in the operator that tells it its backend, so that it can cache users on RocksDB. */
    public static KeyedProcessOperator<String, ClickEvent, Alert> operator(AnalyticsSettings s, OutputTag<ClickEvent> tooLate) {
        return new HeapAware.Operator<>(new SlicedHighSpendDetector(s, tooLate));
    }

    @Override
    public void stateOnHeap(boolean onHeap, KeyContext keys) {
        this.onHeap = onHeap;
        this.keys = keys;
    }

    @Override
    public void beforeBarrier() throws Exception {
        if (cachedSpend != null) {
            cachedSpend.flush();
            cachedCleanupAt.flush();
        }
    }

    @Override
    public void open(OpenContext openContext) {
        spend = getRuntimeContext().getState(new ValueStateDescriptor<>("spend-slices", SpendSlicesSerializer.INSTANCE));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        oldSlices = getRuntimeContext().getMapState(new MapStateDescriptor<>("slices", Types.LONG, Types.LONG));
        oldFirings = getRuntimeContext().getMapState(new MapStateDescriptor<>("firings", Types.LONG, Types.INT));
        if (!onHeap && keys != null && cachedUsers > 0) {
            spend = cachedSpend = new CachedValueState<>(spend, keys, cachedUsers);
            cleanupAt = cachedCleanupAt = new CachedValueState<>(cleanupAt, keys, cachedUsers);
        }
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
        SpendSlices s = current();
        boolean newSlice = s.add(sliceStart, HighSpend.cents(e));
        if (newSlice) {
            newSlice(ctx, lastEnd - 1 + lateness, watermark, s);
        }
        long[] totals = null;
        for (long end = sliceStart + slide; end <= lastEnd; end += slide) {
            if (end - 1 > watermark) {
                if (totals == null) {
                    totals = totalsOfWindowsHolding(s, sliceStart);
                }
                if (HighSpend.above(totals[(int) ((end - sliceStart) / slide) - 1], threshold)) {
                    ctx.timerService().registerEventTimeTimer(end - 1);   // the on-time firing, with an alert
                }
            } else if (end - 1 + lateness > watermark) {
                // A late event re-fires a window that already fired and is still within the allowed lateness.
                refire(s, ctx.getCurrentKey(), end, !newSlice || s.anyIn(end - size, end, sliceStart), out);
            }
        }
        spend.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        SpendSlices s = current();
        long end = timestamp + 1;
        if (end % slide == 0 && s.firings(end) < 0) {
            fireOnTime(s, ctx.getCurrentKey(), end, out);
        }
        Long cleanup = cleanupAt.value();
        if (cleanup == null) {
            prune(s, timestamp);   // state restored from a version with a cleanup timer per slice
        } else if (timestamp >= cleanup) {
            spend.clear();
            cleanupAt.clear();
            return;
        }
        if (s.isEmpty()) {
            spend.clear();
        } else {
            spend.update(s);
        }
    }

    /** The user's value; on a user's first access after a restore from an earlier version, its map entries. */
    private SpendSlices current() throws Exception {
        SpendSlices s = spend.value();
        if (s != null) {
            return s;
        }
        s = new SpendSlices();
        if (!oldSlices.isEmpty() || !oldFirings.isEmpty()) {
            for (Map.Entry<Long, Long> slice : oldSlices.entries()) {
                s.add(slice.getKey(), slice.getValue());
            }
            for (Map.Entry<Long, Integer> firing : oldFirings.entries()) {
                s.setFirings(firing.getKey(), firing.getValue());
            }
            oldSlices.clear();
            oldFirings.clear();
        }
        return s;
    }

    /** A slice started: prune what is past the allowed lateness, and keep the cleanup timer at the newest slice. */
    private void newSlice(Context ctx, long expiresAt, long watermark, SpendSlices s) throws Exception {
        Long cleanup = cleanupAt.value();
        if (cleanup == null || expiresAt > cleanup) {
            if (cleanup != null) {
                ctx.timerService().deleteEventTimeTimer(cleanup);
                prune(s, watermark);
            }
            ctx.timerService().registerEventTimeTimer(expiresAt);
            cleanupAt.update(expiresAt);
        }
    }

    /**
     * The totals of the windows that hold {@code sliceStart} (index i: the window ending at sliceStart + (i + 1) ×
     * slide), from one pass over the 2n − 1 slices they span and a running sum, rather than n sums per window.
     */
    private long[] totalsOfWindowsHolding(SpendSlices s, long sliceStart) {
        int n = (int) (size / slide);
        long[] cents = s.centsFrom(sliceStart - (n - 1) * slide, slide, 2 * n - 1);
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

    /** The watermark passed the window's end: Flink fires it if it holds data (revision 0). */
    private void fireOnTime(SpendSlices s, String user, long end, Collector<Alert> out) {
        if (!s.anyIn(end - size, end, Long.MIN_VALUE)) {
            return;   // no purchase in this window: Flink would have no window to fire either
        }
        s.setFirings(end, 1);
        long total = s.sum(end - size, end);
        if (HighSpend.above(total, threshold)) {
            out.collect(new Alert(HighSpend.CODE, user, end - size, end, total / 100.0, threshold, 0));
        }
    }

    /**
     * A late event for a window the watermark has passed. Its revision is the number of earlier firings: those
     * recorded, or else one if the window held data when the watermark passed its end (it fired then, silently
     * when below the threshold), or none if this event is its first.
     */
    private void refire(SpendSlices s, String user, long end, boolean hadData, Collector<Alert> out) {
        int fired = s.firings(end);
        int revision = fired >= 0 ? fired : hadData ? 1 : 0;
        s.setFirings(end, revision + 1);
        long total = s.sum(end - size, end);
        if (HighSpend.above(total, threshold)) {
            out.collect(new Alert(HighSpend.CODE, user, end - size, end, total / 100.0, threshold, revision));
        }
    }

    /** Drops slices and firing counts of windows past the allowed lateness. */
    private void prune(SpendSlices s, long watermark) {
        // A slice expires with the last window holding it, the one that starts with it.
        s.prune(watermark, size - 1 + lateness, lateness - 1);
    }
}
