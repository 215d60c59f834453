package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Passes on the first event of each eventId and drops repeats (producer retries) seen within the
 * dedup horizon. Keyed by eventId; the "seen" flag expires after the horizon, so state stays bounded.
 * Also counts events that arrive behind the watermark, and exposes how far the watermark trails the clock.
 */
public class DeduplicateEvents extends KeyedProcessFunction<String, ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final Duration horizon;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter distinct;
    private transient volatile long lastWatermark;

    public DeduplicateEvents(Duration horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> desc = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        // Processing-time TTL: a retry arrives soon after the original in wall-clock terms, whatever its event time.
        desc.enableTimeToLive(StateTtlConfig.newBuilder(horizon)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        seen = getRuntimeContext().getState(desc);

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
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = watermark;
        if (watermark != Long.MIN_VALUE && event.ts <= watermark) {
            late.inc();
        }
        distinct.inc();
        out.collect(event);
    }
}
