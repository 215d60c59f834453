package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.CoGroupFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * The window join of clicks and purchases per user in tumbling event-time windows. It is a co-group rather than
 * an inner {@code join}: an inner join emits one row per (click, purchase) pair and nothing for a window with
 * clicks but no purchase, while a conversion rate needs exactly those windows. With allowed lateness the window
 * fires again for each late event, and {@link NumberRevisions} numbers the firings.
 */
public final class Conversions {
    public static final String ANALYSIS = "conversions";

    private Conversions() {}

    /**
     * Numbers the firings of each user's windows, after the co-group: 0 for the first, then one more for each late
     * event inside the allowed lateness (the window fires again with each). A window's count is kept until the
     * watermark reaches its last millisecond plus the lateness, when the co-group purges the window too.
     */
    static final class NumberRevisions extends KeyedProcessFunction<String, Conversion, Conversion> {
        private static final MapStateDescriptor<Long, Integer> FIRINGS =
                new MapStateDescriptor<>("conversion-firings", Types.LONG, Types.INT);
        private final long latenessMillis;
        private transient MapState<Long, Integer> firings;

        NumberRevisions(long latenessMillis) {
            this.latenessMillis = latenessMillis;
        }

        @Override
        public void open(OpenContext context) {
            firings = getRuntimeContext().getMapState(FIRINGS);
        }

        @Override
        public void processElement(Conversion c, Context ctx, Collector<Conversion> out) throws Exception {
            if (latenessMillis == 0) {   // every window fires once: nothing to number or keep
                out.collect(c);
                return;
            }
            Integer fired = firings.get(c.windowEnd);
            int revision = fired == null ? 0 : fired;
            firings.put(c.windowEnd, revision + 1);
            if (fired == null) {
                ctx.timerService().registerEventTimeTimer(c.windowEnd - 1 + latenessMillis);
            }
            // A new row: with object reuse the co-group's own may be shared with other operators chained to it.
            out.collect(new Conversion(c.userId, c.windowStart, c.windowEnd, c.clicks, c.purchases, c.spend, revision));
        }

        /**
         * Forgets the windows whose lateness is over, and keeps a timer at the end of the others': after a restore
         * with another lateness, a count's timer lies at the end of the lateness before.
         */
        @Override
        public void onTimer(long time, OnTimerContext ctx, Collector<Conversion> out) throws Exception {
            List<Long> ended = new ArrayList<>();
            for (Long end : firings.keys()) {
                if (end - 1 + latenessMillis <= time) {
                    ended.add(end);
                } else {
                    ctx.timerService().registerEventTimeTimer(end - 1 + latenessMillis);
                }
            }
            for (Long end : ended) {
                firings.remove(end);
            }
        }
    }

    /** One {@link Conversion} per user and window. */
    static final class Count implements CoGroupFunction<ClickEvent, ClickEvent, Conversion> {
        private final long windowMillis;

        Count(long windowMillis) {
            this.windowMillis = windowMillis;
        }

        @Override
        public void coGroup(Iterable<ClickEvent> clicks, Iterable<ClickEvent> purchases, Collector<Conversion> out) {
            String user = null;
            long any = 0;
            long clickCount = 0;
            for (ClickEvent c : clicks) {
                user = c.userId;
                any = c.ts;
                clickCount++;
            }
            long purchaseCount = 0;
            long cents = 0;
            for (ClickEvent p : purchases) {
                user = p.userId;
                any = p.ts;
                purchaseCount++;
                cents += HighSpend.cents(p);
            }
            // A co-group function is not told its window; every element of a tumbling window names it.
            long start = TimeWindow.getWindowStartWithOffset(any, 0, windowMillis);
            out.collect(new Conversion(user, start, start + windowMillis, clickCount, purchaseCount, cents / 100.0));
        }
    }
}
