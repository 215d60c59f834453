package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.UserTimers;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyed attribution and conversions journeys' state and timers (their rows: JourneysGoldenTest and
 * JourneysPipelineTest, against Flink's joins).
 */
class KeyedJoinsTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));

    private static StreamRecord<ClickEvent> click(String id, long ts) {
        return new StreamRecord<>(new ClickEvent(id, "u1", null, EventType.CLICK, "/p", ts, null, null, null), ts);
    }

    private static StreamRecord<ClickEvent> purchase(String id, long ts) {
        return new StreamRecord<>(new ClickEvent(id, "u1", null, EventType.PURCHASE, "/buy", ts, 10.0, null, null), ts);
    }

    @Test
    void attributionClicksShareATimerPerHeapStepAndNothingStaysAfterTheWatermarkPasses() throws Exception {
        CountingTimers timers = new CountingTimers(true, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(timers)) {
            // Each click is unneeded 40,001 ms after its time (delay + skew + 1); u1's 5-min grid has a slot here:
            long slot = UserTimers.roundUp(41_901, ClickDrops.HEAP_STEP, "u1");
            long c3 = slot - 40_001;
            h.processElement(click("c1", c3 - 900));
            h.processElement(click("c2", c3 - 400));
            h.processElement(click("c3", c3));
            assertThat(h.numEventTimeTimers()).as("three clicks, one timer").isEqualTo(1);
            assertThat(timers.eventTimeRegistrations).as("c2 and c3 find c1 listed, with their timer").isEqualTo(1);
            h.processElement(purchase("p1", c3 + 5 * SEC));
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(new Watermark(c3 + 15 * SEC + 1));  // p1 decided at its time + skew + 1 ms
            assertThat(JourneyHarness.values(h, UserJourneys.ATTRIBUTION)).extracting(Object::toString)
                    .containsExactly("p1<-c3 delay=5000 of 3");
            assertThat(h.numKeyedStateEntries()).as("clicks kept for purchases still to come").isGreaterThan(0);

            h.processWatermark(new Watermark(slot));  // the clicks' shared timer
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void onTheHeapANewClickDropsTheClicksNoPurchaseCanReachAnyMore() throws Exception {
        UserJourneys journeys = new UserJourneys(true, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null,
                null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(journeys)) {
            h.processElement(click("c1", 10 * SEC));
            h.processElement(click("c2", 40 * SEC));
            h.processElement(purchase("p1", 45 * SEC));          // undecided until 55 s: reaches back to 15 s
            h.processWatermark(new Watermark(50 * SEC + 1));      // c1 unneeded: 10 s + 30 s + 10 s + 1 ms
            h.processElement(click("c3", 60 * SEC));

            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .containsExactly("c2", "c3");
            h.processWatermark(new Watermark(55 * SEC + 1));
            assertThat(JourneyHarness.values(h, UserJourneys.ATTRIBUTION)).extracting(Object::toString)
                    .containsExactly("p1<-c2 delay=5000 of 1");
        }
    }

    @Test
    void onTheHeapANewClickDropsOnlyTheUnneededClicksAtTheHeadOfTheListAndTheRestGoAtTheTimer() throws Exception {
        UserJourneys journeys = new UserJourneys(true, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null,
                null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(journeys)) {
            h.processElement(click("c1", 10 * SEC));              // unneeded from 50 s + 1 ms
            h.processElement(click("c2", 30 * SEC));              // from 70 s + 1 ms
            h.processElement(click("c3", 15 * SEC));              // from 55 s + 1 ms, behind a needed click
            h.processWatermark(new Watermark(60 * SEC));
            h.processElement(click("c4", 80 * SEC));
            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .as("c1 dropped; c3 waits behind c2").containsExactly("c2", "c3", "c4");

            h.processWatermark(new Watermark(UserTimers.roundUp(120 * SEC + 1, ClickDrops.HEAP_STEP, "u1")));
            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .as("the drop timers take the rest, c3 with them").isEmpty();
        }
    }

    @Test
    void onTheHeapANewClickLooksAtTheFirstListedClickOnlyUntilItIsUnneeded() throws Exception {
        UserJourneys journeys = new UserJourneys(true, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null,
                null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(journeys)) {
            h.processElement(click("c1", 20 * SEC));
            h.processElement(click("c2", 10 * SEC));              // arrived after c1, stamped before it
            h.processWatermark(new Watermark(50 * SEC + 1));      // c2 unneeded, c1 not yet
            h.processElement(click("c3", 60 * SEC));
            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .as("the first listed click is needed: nothing dropped").containsExactly("c1", "c2", "c3");

            h.processWatermark(new Watermark(60 * SEC + 1));      // c1 unneeded as well
            h.processElement(click("c4", 70 * SEC));
            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .containsExactly("c3", "c4");
        }
    }

    @Test
    void inRocksDbANewClickReadsNoListAndLeavesTheDropsToTheTimers() throws Exception {
        UserJourneys journeys = new UserJourneys(false, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null,
                null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(journeys)) {
            h.processElement(click("c1", 10 * SEC));
            h.processWatermark(new Watermark(50 * SEC + 1));      // c1 unneeded; its timer is 3 s steps away
            h.processElement(click("c2", 60 * SEC));

            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .containsExactly("c1", "c2");
            h.processWatermark(new Watermark(UserTimers.roundUp(50 * SEC + 1, 3 * SEC, "u1")));
            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.ATTRIBUTION_CLICKS)).extracting(e -> e.eventId)
                    .containsExactly("c2");
        }
    }

    @Test
    void inRocksDbEveryAttributionClickRegistersItsTimer() throws Exception {
        // A look at the last listed click would read the whole list there.
        CountingTimers timers = new CountingTimers(false, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(timers)) {
            h.processElement(click("c1", SEC));
            h.processElement(click("c2", SEC));
            assertThat(timers.eventTimeRegistrations).isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void attributionWaitsForClicksInsideTheSkewAndDropsOnlyThoseNoPurchaseCanReach() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h =
                     JourneyHarness.open(new UserJourneys(new KeyedAttribution(10 * SEC, 30 * SEC, LATE), null, null, null, null))) {
            h.processElement(purchase("p1", 60 * SEC));
            h.processElement(click("c1", 25 * SEC));           // 35 s before p1: out of reach
            h.processWatermark(new Watermark(65 * SEC));
            h.processElement(click("c2", 66 * SEC));           // after p1, inside the skew
            h.processWatermark(new Watermark(70 * SEC));       // p1's last possible click is 70 s: not yet decided
            assertThat(JourneyHarness.values(h, UserJourneys.ATTRIBUTION)).isEmpty();
            h.processWatermark(new Watermark(70 * SEC + 1));
            assertThat(JourneyHarness.values(h, UserJourneys.ATTRIBUTION)).extracting(Object::toString).containsExactly("p1<-c2 delay=-6000 of 1");
        }
    }

    @Test
    void conversionsSetOneTimerPerWindowAndForgetTheWindowWhenItFires() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h =
                     JourneyHarness.open(new UserJourneys(null, new KeyedConversions(5 * MIN, 0, LATE), null, null, null))) {
            h.processElement(click("c1", MIN));
            h.processElement(click("c2", 2 * MIN));
            h.processElement(purchase("p1", 3 * MIN));
            h.processElement(click("c3", 6 * MIN));
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(new Watermark(5 * MIN - 1));
            assertThat(JourneyHarness.values(h, UserJourneys.CONVERSIONS)).containsExactly(new Conversion("u1", 0, 5 * MIN, 2, 1, 10.0));
            assertThat(h.numKeyedStateEntries()).as("the next window only").isEqualTo(1);

            h.processElement(click("late", 4 * MIN));
            assertThat(h.getSideOutput(LATE)).extracting(r -> r.getValue().eventId).containsExactly("late");

            h.processWatermark(new Watermark(10 * MIN - 1));
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    /** In both forms of the user's state: one value ({@code true}), and a map state of windows. */
    @ParameterizedTest(name = "one value {0}")
    @ValueSource(booleans = {true, false})
    void withAllowedLatenessAConversionWindowIsRevisedByLateEventsAndForgottenWhenTheLatenessEnds(boolean oneValue)
            throws Exception {
        long last = 5 * MIN - 1;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(
                new UserJourneys(oneValue, null, new KeyedConversions(5 * MIN, 30 * SEC, LATE), null, null, null))) {
            h.processElement(click("c1", MIN));
            h.processElement(purchase("p1", 3 * MIN));
            h.processWatermark(new Watermark(last));
            assertThat(h.numKeyedStateEntries()).as("kept for its lateness").isEqualTo(1);
            assertThat(h.numEventTimeTimers()).as("the end of its lateness").isEqualTo(1);

            h.processElement(click("c2", 4 * MIN));                     // late, inside the lateness
            h.processWatermark(new Watermark(last + 30 * SEC - 1));
            h.processElement(purchase("p2", 5 * MIN - 1));              // the lateness's last millisecond
            h.processWatermark(new Watermark(last + 30 * SEC));
            assertThat(h.numKeyedStateEntries()).as("forgotten").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            h.processElement(click("c3", 2 * MIN));                     // too late

            h.processWatermark(new Watermark(10 * MIN - 1));            // [5 min, 10 min) had no event on time
            h.processElement(click("c4", 7 * MIN));                     // opens it late: its first firing
            h.processWatermark(new Watermark(10 * MIN - 1 + 30 * SEC));

            assertThat(JourneyHarness.values(h, UserJourneys.CONVERSIONS)).containsExactly(
                    new Conversion("u1", 0, 5 * MIN, 1, 1, 10.0, 0),
                    new Conversion("u1", 0, 5 * MIN, 2, 1, 10.0, 1),
                    new Conversion("u1", 0, 5 * MIN, 2, 2, 20.0, 2),
                    new Conversion("u1", 5 * MIN, 10 * MIN, 1, 0, 0, 0));
            assertThat(h.getSideOutput(LATE)).extracting(r -> r.getValue().eventId).containsExactly("c3");
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /**
     * A window kept for 30 s of lateness, in a snapshot restored with another lateness: late events are decided by
     * the new lateness, and the window goes at the end of the later of the two, at its old cleanup timer or at one
     * set then for the new end.
     */
    @ParameterizedTest(name = "lateness {0} s")
    @ValueSource(ints = {0, 10, 90})
    void aConversionWindowRestoredWithAnotherLatenessGoesAtTheLaterEndAndLeavesNoTimer(int seconds) throws Exception {
        long last = 5 * MIN - 1;
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.create(
                new UserJourneys(null, new KeyedConversions(5 * MIN, 30 * SEC, LATE), null, null, null))) {
            h.open();
            h.processElement(click("c1", MIN));
            h.processWatermark(new Watermark(last));   // fired, kept for its lateness
            snapshot = h.snapshot(1, 0);
        }
        long lateness = seconds * SEC;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.create(
                new UserJourneys(null, new KeyedConversions(5 * MIN, lateness, LATE), null, null, null))) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(last + Math.max(Math.min(lateness, 30 * SEC) - 1, 0)));
            h.processElement(click("c2", 2 * MIN));   // inside the new lateness, but for 0
            long end = last + Math.max(lateness, 30 * SEC);   // the later of the two latenesses' ends
            h.processWatermark(new Watermark(end - 1));
            assertThat(h.numKeyedStateEntries()).as("kept until its cleanup timer").isEqualTo(1);
            h.processWatermark(new Watermark(end));

            assertThat(JourneyHarness.values(h, UserJourneys.CONVERSIONS)).as("c2 inside the new lateness or not")
                    .containsExactlyElementsOf(lateness == 0 ? List.of()
                            : List.of(new Conversion("u1", 0, 5 * MIN, 2, 0, 0, 1)));
            assertThat(h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size())
                    .isEqualTo(lateness == 0 ? 1 : 0);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
