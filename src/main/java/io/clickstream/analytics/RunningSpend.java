package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Running spend per user (seed 3.1): keyed {@code ValueState} with a TTL, so users who stop buying are
 * forgotten after the TTL and state does not grow without bound. Emits an upsert per purchase.
 */
public class RunningSpend extends KeyedProcessFunction<String, ClickEvent, UserSpend> {
    private static final long serialVersionUID = 1L;

    /** What is kept per user. */
    public static class Totals {
        public long cents;
        public long purchases;
        public long lastTs;

        public Totals() {}
    }

    private final Duration ttl;
    private transient ValueState<Totals> totals;

    public RunningSpend(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Totals> desc = new ValueStateDescriptor<>("spend", Totals.class);
        desc.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        totals = getRuntimeContext().getState(desc);
    }

    @Override
    public void processElement(ClickEvent purchase, Context ctx, Collector<UserSpend> out) throws Exception {
        Totals t = totals.value();
        if (t == null) {
            t = new Totals();
        }
        t.cents += HighSpend.cents(purchase);
        t.purchases++;
        t.lastTs = Math.max(t.lastTs, purchase.ts);
        totals.update(t);
        out.collect(new UserSpend(ctx.getCurrentKey(), t.cents / 100.0, t.purchases, t.lastTs, t.purchases));
    }
}
