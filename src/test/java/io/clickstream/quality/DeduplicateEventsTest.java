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

/** The dedup operator (keyed by user) with a controlled processing-time clock and explicit watermarks. */
class DeduplicateEventsTest {
    private static final Duration HORIZON = Duration.ofMinutes(10);
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateEvents(HORIZON)), e -> e.userId, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ClickEvent event(String user, String id, long ts) {
        return new ClickEvent(id, user, null, EventType.VIEW, "/", ts, null, null, null);
    }

    private void send(String id, long ts) throws Exception {
        send("u-1", id, ts);
    }

    private void send(String user, String id, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(event(user, id, ts), ts));
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
    void theSameIdFromTwoUsersIsTwoEvents() throws Exception {
        send("u-1", "a", 1_000);
        send("u-2", "a", 1_000);
        send("u-2", "a", 1_000);

        assertThat(harness.extractOutputValues()).extracting(e -> e.userId).containsExactly("u-1", "u-2");
    }

    @Test
    void forgetsAnIdOnceTheHorizonHasPassed() throws Exception {
        harness.setProcessingTime(0);
        send("a", 1_000);
        harness.setProcessingTime(HORIZON.toMillis() - 1);
        send("a", 1_000);   // within the horizon: duplicate
        harness.setProcessingTime(HORIZON.toMillis());
        send("a", 1_000);   // the horizon has passed: passes again

        assertThat(emittedIds()).containsExactly("a", "a");
    }

    @Test
    void anExpiredIdPassesBeforeItsCleanupHasRun() throws Exception {
        harness.setProcessingTime(1);
        send("a", 1_000);
        // The cleanup is due up to a sixtieth of the horizon (10 s) after the expiry at 600,001.
        harness.setProcessingTime(HORIZON.toMillis() + 1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        send("a", 1_000);

        assertThat(emittedIds()).containsExactly("a", "a");
    }

    @Test
    void expiredIdsAreRemovedFromStateAndCheckpoints() throws Exception {
        harness.setProcessingTime(0);
        send("u-1", "a", 1_000);
        send("u-1", "b", 1_000);
        send("u-2", "x", 1_000);
        harness.setProcessingTime(Duration.ofMinutes(5).toMillis());
        send("u-1", "c", 1_000);
        harness.setProcessingTime(Duration.ofMinutes(12).toMillis());  // a, b and x expired and cleaned up, c not

        // What is left: u-1's map (c) and its next cleanup time; nothing of u-2.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickEvent> restored = newHarness();
        restored.setProcessingTime(Duration.ofMinutes(12).toMillis());
        restored.initializeState(snapshot);
        restored.open();
        try {
            assertThat(restored.numKeyedStateEntries()).isEqualTo(2);
            restored.processElement(new StreamRecord<>(event("u-1", "c", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-1", "a", 1_000), 1_000));
            restored.processElement(new StreamRecord<>(event("u-2", "x", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "x");
            // c's cleanup still comes after the restore.
            restored.setProcessingTime(Duration.ofMinutes(16).toMillis());
            restored.processElement(new StreamRecord<>(event("u-1", "c", 1_000), 1_000));
            assertThat(restored.extractOutputValues()).extracting(e -> e.eventId).containsExactly("a", "x", "c");
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
