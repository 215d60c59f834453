package io.clickstream.pipeline;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointedEventTimeTest {
    private static OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new CheckpointedEventTime(Duration.ofSeconds(10)));
    }

    private static StreamRecord<ClickEvent> event(long ts) {
        return new StreamRecord<>(new ClickEvent("e" + ts, "u", null, EventType.VIEW, "/", ts, null, null, null));
    }

    private static List<String> emitted(OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof Watermark ? "W" + ((Watermark) o).getTimestamp()
                    : "e@" + ((StreamRecord<?>) o).getTimestamp());
        }
        return out;
    }

    @Test
    void emitsMaxMinusDelayMinusOneWheneverItAdvancesAndStampsEachEvent() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> h = harness()) {
            h.open();
            h.processElement(event(100_000));
            h.processElement(event(95_000));            // behind the max: no new watermark
            h.processWatermark(new Watermark(500_000)); // upstream watermarks are ignored
            h.processElement(event(100_500));

            assertThat(emitted(h)).containsExactly("e@100000", "W89999", "e@95000", "e@100500", "W90499");
        }
    }

    @Test
    void aRestoreResumesTheWatermarkOfTheCheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> h = harness()) {
            h.open();
            h.processElement(event(100_000));
            snapshot = h.snapshot(1, 0);
        }
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(event(89_000));   // behind the restored watermark: late, as before the failure
            assertThat(emitted(h)).containsExactly("W89999", "e@89000");
        }
    }

    @Test
    void theEndOfInputIsPassedOn() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> h = harness()) {
            h.open();
            h.processElement(event(1_000));
            h.processWatermark(Watermark.MAX_WATERMARK);
            assertThat(emitted(h)).containsExactly("e@1000", "W-9001", "W" + Long.MAX_VALUE);
        }
    }
}
