package io.clickstream.pipeline;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeWatermarksTest {
    /** Records what a watermark generator emits. */
    static final class Recorder implements WatermarkOutput {
        final List<Long> emitted = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            emitted.add(-1L);
        }

        @Override
        public void markActive() {}
    }

    @Test
    void perEventEmitsMaxMinusDelayMinusOneWheneverItAdvances() {
        EventTimeWatermarks.PerEventBoundedOutOfOrderness<Object> gen =
                new EventTimeWatermarks.PerEventBoundedOutOfOrderness<>(10_000);
        Recorder out = new Recorder();

        gen.onEvent("e", 100_000, out);
        gen.onEvent("e", 95_000, out);    // behind the max: no new watermark
        gen.onEvent("e", 100_000, out);   // equal to the max: none
        gen.onEvent("e", 100_500, out);
        gen.onPeriodicEmit(out);          // never emits on the wall clock

        assertThat(out.emitted).containsExactly(89_999L, 90_499L);
    }
}
