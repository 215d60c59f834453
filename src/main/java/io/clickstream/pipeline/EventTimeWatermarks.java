package io.clickstream.pipeline;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * Bounded-out-of-orderness watermarks for live sources, W = max(event time seen) − delay: Flink's generator,
 * emitted on the wall-clock auto-watermark interval, with idleness so a silent split does not hold event time
 * back. Replays use {@link CheckpointedEventTime} instead (per event, deterministic, checkpointed).
 */
public final class EventTimeWatermarks {
    private EventTimeWatermarks() {}

    public static WatermarkStrategy<ClickEvent> periodic(Duration delay, Duration idleness) {
        WatermarkStrategy<ClickEvent> s = WatermarkStrategy.<ClickEvent>forBoundedOutOfOrderness(delay)
                .withTimestampAssigner((e, previous) -> e.ts);
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }
}
