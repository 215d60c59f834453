package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * Passes on the first event of each eventId and drops repeats (producer retries) seen within the dedup horizon
 * of wall-clock time (a retry arrives soon after the original, whatever its event time).
 *
 * <p>Keyed by <b>userId</b>, with the user's recent eventIds in a map: a retry is the same record sent again, so
 * it carries the same user. Keyed by user, the deduplicated stream stays partitioned by user, as every per-user
 * analysis downstream is keyed: they chain onto this operator instead of each shuffling the events again (see
 * {@code UserPartitioning}). Two different users' events that share an eventId are two events.
 *
 * <p>Each eventId is kept with the processing time it was first seen, and forgotten {@code horizon} later: one
 * processing-time timer per user removes the expired ids, so state stays bounded. (Flink's state TTL on a map
 * state would do the same, but on the heap backend its cleanup copies a whole map on every access.)
 *
 * <p>Also counts events that arrive behind the watermark, and exposes how far the watermark trails the clock.
 */
public class DeduplicateEvents extends KeyedProcessFunction<String, ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final long horizon;
    /** eventId → processing time it was first seen. */
    private transient MapState<String, Long> seen;
    /** When this user's cleanup timer fires, if one is pending. */
    private transient ValueState<Long> cleanupAt;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter distinct;
    private transient volatile long lastWatermark;

    public DeduplicateEvents(Duration horizon) {
        this.horizon = horizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));

        MetricGroup group = MetricNames.group(getRuntimeContext().getMetricGroup());
        duplicates = group.counter(MetricNames.DUPLICATES);
        late = group.counter(MetricNames.LATE);
        distinct = group.counter(MetricNames.DISTINCT);
        lastWatermark = Long.MIN_VALUE;
        group.gauge(MetricNames.WATERMARK_LAG_MS, () -> lastWatermark == Long.MIN_VALUE
                ? -1L : System.currentTimeMillis() - lastWatermark);
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long firstSeen = seen.get(event.eventId);
        if (firstSeen != null && now < firstSeen + horizon) {
            duplicates.inc();
            return;
        }
        seen.put(event.eventId, now);
        if (cleanupAt.value() == null) {
            schedule(ctx.timerService(), now + horizon);
        }
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = watermark;
        if (watermark != Long.MIN_VALUE && event.ts <= watermark) {
            late.inc();
        }
        distinct.inc();
        out.collect(event);
    }

    /** Forgets the user's expired eventIds, and schedules the next cleanup for the earliest id left. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        long earliest = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, Long>> it = seen.iterator(); it.hasNext(); ) {
            long firstSeen = it.next().getValue();
            if (now >= firstSeen + horizon) {
                it.remove();
            } else {
                earliest = Math.min(earliest, firstSeen);
            }
        }
        cleanupAt.clear();
        if (earliest != Long.MAX_VALUE) {
            schedule(ctx.timerService(), earliest + horizon);
        } else {
            seen.clear();   // an emptied map still holds an entry for the user
        }
    }

    /**
     * One pending timer per user; ids are removed up to a sixtieth of the horizon after they expire (a minute for
     * the default hour), so a busy user's timer fires about once a minute, not once per event. An expired id that
     * is still in state is treated as absent all the same.
     */
    private void schedule(org.apache.flink.streaming.api.TimerService timers, long expiry) throws Exception {
        long slack = Math.max(1, horizon / 60);
        long at = expiry + slack - 1 - Math.floorMod(expiry + slack - 1, slack);
        timers.registerProcessingTimeTimer(at);
        cleanupAt.update(at);
    }
}
