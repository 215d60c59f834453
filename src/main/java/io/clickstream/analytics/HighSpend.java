package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The high-spend rule: a user's purchases summed over a sliding window; a total above the threshold raises
 * {@value #CODE}. Spend is summed in whole cents, so every implementation gets the same total.
 * This class is the seed's naive form on Flink's sliding windows; {@link SlicedHighSpendDetector} is the
 * pre-aggregated one. Both emit an alert on every firing of a window whose total is above the threshold.
 */
public final class HighSpend {
    public static final String CODE = "HIGH_SPEND_5M";
    public static final String ANALYSIS = "high_spend_5m";

    private HighSpend() {}

    static long cents(ClickEvent e) {
        return e.spend == null ? 0 : Math.round(e.spend * 100);
    }

    static boolean above(long totalCents, double threshold) {
        return totalCents / 100.0 > threshold;
    }

    /** Sums spend in cents. */
    public static final class SumCents implements AggregateFunction<ClickEvent, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(ClickEvent e, Long acc) {
            return acc + cents(e);
        }

        @Override
        public Long getResult(Long acc) {
            return acc;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    /** Raises the alert for a window above the threshold; every firing counts as a revision. */
    public static final class AlertAboveThreshold extends ProcessWindowFunction<Long, Alert, String, TimeWindow> {
        private final double threshold;

        public AlertAboveThreshold(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public void process(String user, Context ctx, Iterable<Long> totals, Collector<Alert> out) throws Exception {
            int revision = Revisions.next(ctx.windowState());
            long total = totals.iterator().next();
            if (above(total, threshold)) {
                out.collect(new Alert(CODE, user, ctx.window().getStart(), ctx.window().getEnd(), total / 100.0,
                        threshold, revision));
            }
        }

        @Override
        public void clear(Context ctx) {
            Revisions.clear(ctx.windowState());
        }
    }
}
