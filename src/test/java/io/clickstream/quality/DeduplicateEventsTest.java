package io.clickstream.quality;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The dedup operator with a controlled TTL clock (processing time) and explicit watermarks. */
class DeduplicateEventsTest {
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateEvents(Duration.ofMinutes(10))),
                e -> e.eventId, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ClickEvent event(String id, long ts) {
        return new ClickEvent(id, "u-1", null, EventType.VIEW, "/", ts, null, null, null);
    }

    private void send(String id, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(event(id, ts), ts));
    }

    private List<String> emittedIds() {
        return harness.extractOutputValues().stream().map(e -> e.eventId).collect(Collectors.toList());
    }

    @Test
    void passesTheFirstEventOfEachIdAndDropsRepeats() throws Exception {
        send("a", 1_000);
        send("b", 2_000);
        send("a", 1_000);
        send("a", 5_000);   // same id, other content: the first one wins
        send("c", 3_000);

        assertThat(emittedIds()).containsExactly("a", "b", "c");
        assertThat(harness.extractOutputValues().get(0).ts).isEqualTo(1_000);
    }

    @Test
    void forgetsAnIdOnceTheHorizonHasPassed() throws Exception {
        harness.setStateTtlProcessingTime(0);
        send("a", 1_000);
        harness.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() - 1);
        send("a", 1_000);   // within the horizon: duplicate
        harness.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() + 1);
        send("a", 1_000);   // the flag has expired: passes again

        assertThat(emittedIds()).containsExactly("a", "a");
    }

    @Test
    void expiredIdsAreLeftOutOfCheckpoints() throws Exception {
        harness.setStateTtlProcessingTime(0);
        send("a", 1_000);
        send("b", 1_000);
        harness.setStateTtlProcessingTime(Duration.ofMinutes(5).toMillis());
        send("c", 1_000);
        harness.setStateTtlProcessingTime(Duration.ofMinutes(12).toMillis());  // a and b expired, c not
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored = newHarness();
        restored.setStateTtlProcessingTime(Duration.ofMinutes(12).toMillis());
        restored.initializeState(snapshot);
        restored.open();
        try {
            assertThat(restored.numKeyedStateEntries()).isEqualTo(1);
            restored.processElement(new StreamRecord<>(event("c", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("a", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a");
        } finally {
            restored.close();
        }
    }

    @Test
    void eventsBehindTheWatermarkStillPass() throws Exception {
        harness.processWatermark(new Watermark(10_000));
        send("late", 9_000);
        send("on-time", 11_000);

        assertThat(emittedIds()).containsExactly("late", "on-time");
    }
}
