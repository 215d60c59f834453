package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.util.Collector;

/**
 * Click → purchase attribution. Flink's interval join pairs every click with every purchase of the same user
 * stamped between {@code clock skew} before and {@code max delay} after it (both bounds inclusive); then
 * {@link ChooseClick} keeps one pair per purchase ({@link Attribution#preferred}).
 */
public final class AttributionJoin {
    public static final String ANALYSIS = "attribution";

    private AttributionJoin() {}

    /** One candidate per joined (click, purchase) pair. */
    static final class Pair extends ProcessJoinFunction<ClickEvent, ClickEvent, Attribution> {
        @Override
        public void processElement(ClickEvent click, ClickEvent purchase, Context ctx, Collector<Attribution> out) {
            out.collect(Attribution.of(click, purchase));
        }
    }

    /**
     * Keyed by purchase: folds the candidates and emits the winner once no further click can join. Only clicks
     * stamped after the watermark reach the join ({@link OnTime}), and the last click that can match is stamped
     * {@code purchase + clock skew}; so when the watermark passes that time, the answer is final.
     */
    static final class ChooseClick extends KeyedProcessFunction<String, Attribution, Attribution> {
        private final long clockSkewMillis;
        private transient ValueState<Attribution> best;

        ChooseClick(long clockSkewMillis) {
            this.clockSkewMillis = clockSkewMillis;
        }

        @Override
        public void open(OpenContext openContext) {
            best = getRuntimeContext().getState(new ValueStateDescriptor<>("best-click", Attribution.class));
        }

        @Override
        public void processElement(Attribution candidate, Context ctx, Collector<Attribution> out) throws Exception {
            Attribution current = best.value();
            if (current == null) {
                ctx.timerService().registerEventTimeTimer(finalAt(candidate));
                best.update(candidate);
            } else {
                best.update(Attribution.preferred(current, candidate));
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
            out.collect(best.value());
            best.clear();
        }

        /** The first watermark at which a click of {@code purchase + clock skew} is late for the join. */
        long finalAt(Attribution candidate) {
            return candidate.purchaseTs + clockSkewMillis + 1;
        }
    }
}
