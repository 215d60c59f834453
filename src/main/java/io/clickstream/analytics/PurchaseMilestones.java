package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;

/**
 * Every N-th purchase of a user: a global window per user with a purging count trigger (seed 2.1's fourth
 * window kind). Counts in arrival order, not event time.
 */
public final class PurchaseMilestones {
    public static final String CODE = "PURCHASE_MILESTONE";

    private PurchaseMilestones() {}

    public static final class Emit extends ProcessWindowFunction<ClickEvent, Alert, String, GlobalWindow> {
        private static final ValueStateDescriptor<Long> REACHED = new ValueStateDescriptor<>("milestones", Types.LONG);
        private final int every;

        public Emit(int every) {
            this.every = every;
        }

        @Override
        public void process(String user, Context ctx, Iterable<ClickEvent> purchases, Collector<Alert> out) throws Exception {
            ValueState<Long> reached = ctx.globalState().getState(REACHED);
            long milestone = (reached.value() == null ? 0 : reached.value()) + 1;
            reached.update(milestone);
            long cents = 0;
            long latest = Long.MIN_VALUE;
            for (ClickEvent p : purchases) {
                cents += HighSpend.cents(p);
                latest = Math.max(latest, p.ts);
            }
            long count = milestone * every;
            Alert a = new Alert(CODE, user, null, latest, count, every, 0);
            a.alertId = user + "|" + CODE + "|" + count;
            out.collect(a);
        }
    }
}
