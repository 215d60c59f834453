package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/** The keyed rapid-purchases journey's state and timers (its alerts: JourneysGoldenTest, JourneysPipelineTest). */
class RapidPurchasesTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness() throws Exception {
        return JourneyHarness.open(new UserJourneys(null, null, null, null, new RapidPurchases(3, MIN, 1000, LATE)));
    }

    private static StreamRecord<ClickEvent> purchase(String id, long ts, double spend) {
        return new StreamRecord<>(new ClickEvent(id, "u1", null, EventType.PURCHASE, "/buy", ts, spend, null, null), ts);
    }

    @Test
    void aRunNoPurchaseToComeCanReachIsForgottenWithItsTimers() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness()) {
            h.processElement(purchase("p1", 10 * SEC, 600));
            h.processElement(purchase("p2", 20 * SEC, 600));
            assertThat(h.numEventTimeTimers()).as("one per purchase").isEqualTo(2);

            h.processWatermark(new Watermark(20 * SEC));
            assertThat(JourneyHarness.values(h, UserJourneys.RAPID_PURCHASES)).as("two purchases are not a series").isEmpty();
            assertThat(h.numKeyedStateEntries()).as("the run p1, p2").isGreaterThan(0);
            assertThat(h.numEventTimeTimers()).as("p1 forgotten when no purchase can reach it").isEqualTo(1);

            // A purchase at 70 s is a minute after p1: with p2 alone, still short of three.
            h.processElement(purchase("p3", 70 * SEC, 600));
            h.processWatermark(new Watermark(10 * SEC + MIN - 1));
            h.processWatermark(new Watermark(2 * MIN + 10 * SEC));
            assertThat(JourneyHarness.values(h, UserJourneys.RAPID_PURCHASES)).isEmpty();
            assertThat(h.numKeyedStateEntries()).as("nothing left once the watermark passes the run").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aMatchEmptiesTheRunSoTheNextSeriesStartsAfterIt() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness()) {
            for (int i = 0; i < 5; i++) {
                h.processElement(purchase("p" + i, i * SEC, 400));
            }
            h.processWatermark(new Watermark(4 * SEC));
            assertThat(JourneyHarness.values(h, UserJourneys.RAPID_PURCHASES)).extracting(a -> a.windowStart + ".." + a.windowEnd + " " + a.value)
                    .containsExactly("0.." + 2 * SEC + " 1200.0");
            h.processElement(purchase("p5", 5 * SEC, 400));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(JourneyHarness.values(h, UserJourneys.RAPID_PURCHASES)).extracting(a -> a.windowStart + ".." + a.windowEnd)
                    .containsExactly("0.." + 2 * SEC, 3 * SEC + ".." + 5 * SEC);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
