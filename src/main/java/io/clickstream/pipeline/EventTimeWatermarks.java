package io.clickstream.pipeline;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * Bounded-out-of-orderness watermarks, W = max(event time seen) - delay, in two flavours:
 * <ul>
 *   <li>{@link #periodic}: Flink's generator, emitted on the wall-clock auto-watermark interval, with
 *       idleness so a silent split does not hold event time back. Cheap; for live sources.</li>
 *   <li>{@link #perEvent}: emitted as soon as an event advances it. Which events are late then depends
 *       only on the order of the input, never on timing: file replays give the same output every time.</li>
 * </ul>
 * Both are applied after validation, so a dead-lettered record never moves event time.
 */
public final class EventTimeWatermarks {
    private EventTimeWatermarks() {}

    public static WatermarkStrategy<ClickEvent> periodic(Duration delay, Duration idleness) {
        WatermarkStrategy<ClickEvent> s = WatermarkStrategy.<ClickEvent>forBoundedOutOfOrderness(delay)
                .withTimestampAssigner((e, previous) -> e.ts);
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }

    public static WatermarkStrategy<ClickEvent> perEvent(Duration delay) {
        long delayMillis = delay.toMillis();
        return WatermarkStrategy.<ClickEvent>forGenerator(ctx -> new PerEventBoundedOutOfOrderness<>(delayMillis))
                .withTimestampAssigner((e, previous) -> e.ts);
    }

    /** Emits max - delay - 1 (the same bound as Flink's own generator) whenever it advances. */
    static final class PerEventBoundedOutOfOrderness<T> implements WatermarkGenerator<T> {
        private final long delayMillis;
        private long maxTimestamp = Long.MIN_VALUE;
        private long emitted = Long.MIN_VALUE;

        PerEventBoundedOutOfOrderness(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            if (eventTimestamp > maxTimestamp) {
                maxTimestamp = eventTimestamp;
                long watermark = maxTimestamp - delayMillis - 1;
                if (watermark > emitted) {
                    emitted = watermark;
                    output.emitWatermark(new Watermark(watermark));
                }
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // Everything is emitted in onEvent: nothing here may depend on the wall clock.
        }
    }
}
