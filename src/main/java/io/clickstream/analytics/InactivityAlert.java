package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Seed 3.2: an alert when a user has sent no event for the timeout. One timer per user, moved by every new
 * event (the old one is deleted). In event time by default, so a replay raises the same alerts; in
 * processing time when configured. An out-of-order event older than the latest one never moves it back.
 */
public class InactivityAlert extends KeyedProcessFunction<String, ClickEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final long timeout;
    private final boolean eventTime;
    private final String code;
    /** Latest event time seen for the user. */
    private transient ValueState<Long> lastSeen;
    /** The pending timer, so it can be deleted when the user is active again. */
    private transient ValueState<Long> timer;

    public InactivityAlert(Duration timeout, boolean eventTime, String code) {
        this.timeout = timeout.toMillis();
        this.eventTime = eventTime;
        this.code = code;
    }

    @Override
    public void open(OpenContext openContext) {
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("inactivity-timer", Types.LONG));
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<Alert> out) throws Exception {
        Long pending = timer.value();
        if (eventTime && pending != null && e.ts >= pending) {
            // In event time the user was already inactive for the timeout before this event: the alert is due
            // whether or not the watermark (the slowest parallel input) has reached the timer yet.
            ctx.timerService().deleteEventTimeTimer(pending);
            fire(ctx.getCurrentKey(), pending, out);
            pending = null;
        }
        Long previous = lastSeen.value();
        long latest = previous == null ? e.ts : Math.max(previous, e.ts);
        lastSeen.update(latest);
        long due = eventTime ? latest + timeout : ctx.timerService().currentProcessingTime() + timeout;
        if (pending != null && pending == due) {
            return;
        }
        if (pending != null) {
            if (eventTime) {
                ctx.timerService().deleteEventTimeTimer(pending);
            } else {
                ctx.timerService().deleteProcessingTimeTimer(pending);
            }
        }
        if (eventTime) {
            ctx.timerService().registerEventTimeTimer(due);
        } else {
            ctx.timerService().registerProcessingTimeTimer(due);
        }
        timer.update(due);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        fire(ctx.getCurrentKey(), timestamp, out);
    }

    /** Event time: the alert's time is the moment inactivity was established; processing time: the wall clock. */
    private void fire(String user, long at, Collector<Alert> out) throws Exception {
        out.collect(new Alert(code, user, lastSeen.value(), at, timeout, timeout, 0));
        lastSeen.clear();
        timer.clear();
    }
}
