package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inactivity timer in {@link UserActivity} (sessions off, so every timer and state entry is the inactivity's):
 * timers set, set again, deleted and fired under explicit time.
 */
class InactivityAlertTest {
    private static final long MIN = 60_000;

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness(boolean eventTime) throws Exception {
        return JourneyHarness.open(new UserActivity(null, new InactivityAlert(Duration.ofMinutes(5), eventTime, "inactive-5m")));
    }

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) {
        return JourneyHarness.values(h, UserActivity.INACTIVITY);
    }

    private static StreamRecord<ClickEvent> event(String user, long ts) {
        return new StreamRecord<>(new ClickEvent("id-" + ts, user, null, EventType.VIEW, "/", ts, null, null, null), ts);
    }

    @Test
    void aNewerEventMovesTheDeadlineAndTheTimerIsSetAgainWhenItFiresEarly() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(true)) {
            h.processElement(event("u1", 0));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processElement(event("u1", 2 * MIN));
            assertThat(h.numEventTimeTimers()).as("the timer at 5 min stays; no second one").isEqualTo(1);

            h.processWatermark(new Watermark(5 * MIN));   // the timer fires before the deadline, 7 min
            assertThat(alerts(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).as("set again for 7 min").isEqualTo(1);

            h.processWatermark(new Watermark(7 * MIN));
            assertThat(alerts(h)).extracting(a -> a.alertId).containsExactly("u1|inactive-5m|" + 7 * MIN);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).as("state cleared after the alert").isZero();
        }
    }

    @Test
    void aWatermarkPastTheMovedDeadlineRaisesTheAlertAtTheDeadline() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(true)) {
            h.processElement(event("u1", 0));
            h.processElement(event("u1", 3 * MIN));
            h.processWatermark(new Watermark(20 * MIN));  // fires the 5 min timer and, in the same advance, 8 min

            assertThat(alerts(h)).extracting(a -> a.windowEnd + " last " + a.windowStart)
                    .containsExactly(8 * MIN + " last " + 3 * MIN);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anOlderEventDoesNotMoveTheTimerBack() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(true)) {
            h.processElement(event("u1", 3 * MIN));
            h.processElement(event("u1", MIN));
            h.processWatermark(new Watermark(7 * MIN));
            assertThat(alerts(h)).isEmpty();
            h.processWatermark(new Watermark(8 * MIN));
            assertThat(alerts(h)).extracting(a -> a.windowEnd).containsExactly(8 * MIN);
        }
    }

    @Test
    void anEventAfterTheDeadlineRaisesTheDueAlertEvenBeforeTheWatermarkGetsThere() throws Exception {
        // With parallel inputs the watermark can trail an event that is on time; the outcome must not depend on it.
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(true)) {
            h.processElement(event("u1", 0));
            h.processWatermark(new Watermark(MIN));
            h.processElement(event("u1", 6 * MIN));       // five minutes of silence already lie behind it

            assertThat(alerts(h)).extracting(a -> a.alertId + " last " + a.windowStart)
                    .containsExactly("u1|inactive-5m|" + 5 * MIN + " last 0");
            assertThat(h.numEventTimeTimers()).as("only the new timer, at 11 min").isEqualTo(1);
            h.processWatermark(new Watermark(11 * MIN));
            assertThat(alerts(h)).extracting(a -> a.windowEnd).containsExactly(5 * MIN, 11 * MIN);
        }
    }

    @Test
    void inProcessingTimeTheWallClockDecides() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false)) {
            h.setProcessingTime(1_000);
            h.processElement(event("u1", 0));
            h.setProcessingTime(1_000 + 4 * MIN);
            h.processElement(event("u1", 10));             // resets the timer to 4m + 5m after start
            h.setProcessingTime(1_000 + 6 * MIN);
            assertThat(alerts(h)).isEmpty();
            h.setProcessingTime(1_000 + 9 * MIN);
            assertThat(alerts(h)).extracting(a -> a.windowEnd).containsExactly(1_000 + 9 * MIN);
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
