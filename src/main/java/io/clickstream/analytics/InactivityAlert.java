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
 * Seed 3.2: an alert when a user has sent no event for the timeout. In event time by default, so a replay
 * raises the same alerts; in processing time when configured. An out-of-order event older than the latest one
 * never moves the deadline back.
 *
 * <p>In event time the deadline (latest event time + timeout) moves with nearly every event, but the timer does
 * not: one timer per user stays where it was set, and when it fires before the deadline it is set again for the
 * deadline. Deleting and registering a timer per event was the operator's main cost; a timer that fires early
 * costs one state read, once per timeout of activity. In processing time each event moves the timer to now +
 * timeout, as there is no watermark to fire it early against.
 */
public class InactivityAlert extends KeyedProcessFunction<String, ClickEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final long timeout;
    private final boolean eventTime;
    private final String code;
    /** Latest event time seen for the user. */
    private transient ValueState<Long> lastSeen;
    /** The registered timer: in event time at or before the deadline, in processing time at it. */
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
        if (eventTime) {
            onEventTimeEvent(e, ctx, out);
            return;
        }
        Long previous = lastSeen.value();
        lastSeen.update(previous == null ? e.ts : Math.max(previous, e.ts));
        Long pending = timer.value();
        long due = ctx.timerService().currentProcessingTime() + timeout;
        if (pending != null && pending == due) {
            return;
        }
        if (pending != null) {
            ctx.timerService().deleteProcessingTimeTimer(pending);
        }
        ctx.timerService().registerProcessingTimeTimer(due);
        timer.update(due);
    }

    private void onEventTimeEvent(ClickEvent e, Context ctx, Collector<Alert> out) throws Exception {
        Long previous = lastSeen.value();
        if (previous != null && e.ts >= previous + timeout) {
            // The user was already inactive for the timeout before this event: the alert is due whether or not
            // the watermark (the slowest parallel input) has reached the deadline yet.
            ctx.timerService().deleteEventTimeTimer(timer.value());
            fire(ctx.getCurrentKey(), previous + timeout, out);
            previous = null;
        }
        long latest = previous == null ? e.ts : Math.max(previous, e.ts);
        if (previous == null || latest != previous) {
            lastSeen.update(latest);
        }
        if (previous == null) {
            ctx.timerService().registerEventTimeTimer(latest + timeout);
            timer.update(latest + timeout);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (eventTime) {
            long deadline = lastSeen.value() + timeout;
            if (timestamp < deadline) {
                // Set before the user's later events: wait for the deadline they moved it to.
                ctx.timerService().registerEventTimeTimer(deadline);
                timer.update(deadline);
                return;
            }
        }
        fire(ctx.getCurrentKey(), timestamp, out);
    }

    /** Event time: the alert's time is the moment inactivity was established; processing time: the wall clock. */
    private void fire(String user, long at, Collector<Alert> out) throws Exception {
        out.collect(new Alert(code, user, lastSeen.value(), at, timeout, timeout, 0));
        lastSeen.clear();
        timer.clear();
    }
}
