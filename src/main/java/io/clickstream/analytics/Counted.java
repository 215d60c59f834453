package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.function.SerializableFunction;

import java.util.HashMap;
import java.util.Map;

/** Pass-through steps that count what reaches an output, as metrics. */
final class Counted {
    private Counted() {}

    /** Counts alerts, in total and per code. */
    static final class Alerts extends RichMapFunction<Alert, Alert> {
        private transient MetricGroup byCode;
        private transient Counter total;
        private transient Map<String, Counter> counters;

        @Override
        public void open(OpenContext openContext) {
            MetricGroup group = MetricNames.group(getRuntimeContext().getMetricGroup());
            total = group.counter(MetricNames.ALERTS);
            byCode = group.addGroup(MetricNames.ALERTS_BY_CODE);
            counters = new HashMap<>();
        }

        @Override
        public Alert map(Alert a) {
            total.inc();
            counters.computeIfAbsent(a.code, byCode::counter).inc();
            return a;
        }
    }

    /** Turns an event that missed its window even with the allowed lateness into a {@link LateEvent}, counting it. */
    static final class TooLate<T> extends RichMapFunction<T, LateEvent> {
        private final String analysis;
        private final SerializableFunction<T, ClickEvent> event;
        private final SerializableFunction<ClickEvent, long[]> missedWindow;
        private transient Counter total;
        private transient Counter mine;

        private TooLate(String analysis, SerializableFunction<T, ClickEvent> event,
                        SerializableFunction<ClickEvent, long[]> missedWindow) {
            this.analysis = analysis;
            this.event = event;
            this.missedWindow = missedWindow;
        }

        /** For a late output of events. */
        static TooLate<ClickEvent> events(String analysis, SerializableFunction<ClickEvent, long[]> missedWindow) {
            return new TooLate<>(analysis, e -> e, missedWindow);
        }

        /** For a late output of views passed on alone ({@link ViewCount#lateView}). */
        static TooLate<ViewCount> views(String analysis, SerializableFunction<ClickEvent, long[]> missedWindow) {
            return new TooLate<>(analysis, ViewCount::lateView, missedWindow);
        }

        @Override
        public void open(OpenContext openContext) {
            MetricGroup group = MetricNames.group(getRuntimeContext().getMetricGroup());
            total = group.counter(MetricNames.TOO_LATE);
            mine = group.addGroup(MetricNames.TOO_LATE_BY_ANALYSIS).counter(analysis);
        }

        @Override
        public LateEvent map(T late) {
            ClickEvent e = event.apply(late);
            total.inc();
            mine.inc();
            long[] w = missedWindow.apply(e);
            return new LateEvent(analysis, e.eventId, e.userId, e.type.wireName(), e.url, e.ts, w[0], w[1]);
        }
    }
}
