package io.clickstream.analytics;

import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Pageviews per URL per tumbling event-time window: the count, and a revision per late correction. */
public final class Pageviews {
    public static final String ANALYSIS = "pageviews_1m";

    private Pageviews() {}

    /** Adds up a window's counts of views ({@link PreCountViews}): one long per window, not a list of events. */
    public static final class CountViews implements AggregateFunction<ViewCount, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(ViewCount value, Long acc) {
            return acc + value.count;
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

    /** Emits the count of one URL's window, numbering the firings. */
    public static final class EmitPageviews extends ProcessWindowFunction<Long, PageviewCount, String, TimeWindow> {
        private transient Counter results;

        @Override
        public void open(OpenContext openContext) {
            results = MetricNames.group(getRuntimeContext().getMetricGroup()).counter(MetricNames.PAGEVIEW_RESULTS);
        }

        @Override
        public void process(String url, Context ctx, Iterable<Long> counts, Collector<PageviewCount> out) throws Exception {
            int revision = Revisions.next(ctx.windowState());
            results.inc();
            out.collect(new PageviewCount(url, ctx.window().getStart(), ctx.window().getEnd(), counts.iterator().next(), revision));
        }

        @Override
        public void clear(Context ctx) {
            Revisions.clear(ctx.windowState());
        }
    }
}
