package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.CoGroupFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The window join of clicks and purchases per user in tumbling event-time windows. It is a co-group rather than
 * an inner {@code join}: an inner join emits one row per (click, purchase) pair and nothing for a window with
 * clicks but no purchase, while a conversion rate needs exactly those windows.
 */
public final class Conversions {
    public static final String ANALYSIS = "conversions";

    private Conversions() {}

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
