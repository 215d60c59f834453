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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static org.assertj.core.api.Assertions.assertThat;

/** The keyed click → purchase journey's state and timers (its matches: JourneysGoldenTest, for both forms). */
class ClickThenPurchaseTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness;
    /** The harness keeps keyed state on the heap, so the journey's state is one value per user here. */
    private CountingTimers timers;

    @BeforeEach
    void open() throws Exception {
        harness = JourneyHarness.open(timers = new CountingTimers(true, null, null, new ClickThenPurchase(10 * MIN, LATE)));
    }

    private List<ClickToPurchase> matches() {
        return JourneyHarness.values(harness, UserJourneys.CLICK_TO_PURCHASE);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String id, EventType type, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(new ClickEvent(id, "u1", "s1", type, "/p", ts,
                type == EventType.PURCHASE ? 5.0 : null, "ref", "agent"), ts));
    }

    @Test
    void aClickNobodyBuysAfterLeavesNoStateOnceOutOfReach() throws Exception {
        // u1's 5-minute grid on the heap: the first slot after a 10-minute limit from 30 s.
        long slot = UserTimers.roundUp(10 * MIN + 30_000, ClickDrops.HEAP_STEP, "u1");
        send("c1", EventType.CLICK, slot - 10 * MIN - ClickDrops.HEAP_STEP + 1);   // its limit: the slot's first ms
        send("c2", EventType.CLICK, slot - 10 * MIN);             // its limit, the slot itself
        // Both clicks share one timer, at the end of their limits rounded up on u1's grid; the second click finds
        // the first listed, with that timer, and does not register it again.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(timers.eventTimeRegistrations).isEqualTo(1);

        harness.processWatermark(new Watermark(slot - 1));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(new Watermark(slot));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(matches()).isEmpty();
    }

    @Test
    void aDecidedPurchaseAndTheClicksItUsedOrPassedLeaveNoState() throws Exception {
        send("c1", EventType.CLICK, MIN);
        send("p1", EventType.PURCHASE, 2 * MIN);
        send("c2", EventType.CLICK, 3 * MIN);   // after the purchase: kept for a later one
        harness.processWatermark(new Watermark(2 * MIN));

        assertThat(matches()).containsExactly(
                new ClickToPurchase("p1", "u1", "c1", "/p", MIN, 2 * MIN, 5.0));
        assertThat(harness.numKeyedStateEntries()).as("the open clicks only").isEqualTo(1);

        send("p2", EventType.PURCHASE, 4 * MIN);
        harness.processWatermark(new Watermark(4 * MIN));
        assertThat(matches()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anEventAtTheWatermarkGoesToTheLateOutput() throws Exception {
        harness.processWatermark(new Watermark(MIN));
        send("c1", EventType.CLICK, MIN);
        send("p1", EventType.PURCHASE, MIN + 1);

        assertThat(harness.getSideOutput(LATE)).extracting(r -> r.getValue().eventId).containsExactly("c1");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void onTheHeapANewClickDropsTheClicksOutOfReachAtTheWatermark() throws Exception {
        UserJourneys journeys = new UserJourneys(true, null, null, new ClickThenPurchase(10 * MIN, LATE), null, null);
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(journeys)) {
            for (String[] c : new String[][] {{"c1", "1"}, {"c2", "2"}}) {
                long ts = Long.parseLong(c[1]) * MIN;
                h.processElement(new StreamRecord<>(new ClickEvent(c[0], "u1", "s1", EventType.CLICK, "/p", ts, null,
                        null, null), ts));
            }
            h.processWatermark(new Watermark(11 * MIN));   // c1's limit: no purchase to come can use it
            long ts = 11 * MIN + 1;
            h.processElement(new StreamRecord<>(new ClickEvent("c3", "u1", "s1", EventType.CLICK, "/p", ts, null,
                    null, null), ts));

            journeys.setCurrentKey("u1");
            assertThat(journeys.listed(JourneyStore.OPEN_CLICKS)).extracting(e -> e.eventId)
                    .containsExactly("c2", "c3");
        }
    }

    private static StreamRecord<ClickEvent> clickAt(String id, long ts) {
        return new StreamRecord<>(new ClickEvent(id, "u1", "s1", EventType.CLICK, "/p", ts, null, null, null), ts);
    }

    @Test
    void aClickThatFindsItsSlotHeldAfterARestoreWithAnotherLimitIsDroppedAtTheRearmedTimer() throws Exception {
        OperatorSubtaskState saved;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> before = JourneyHarness.open(
                new UserJourneys(true, null, null, new ClickThenPurchase(10 * MIN, LATE), null, null))) {
            before.processElement(clickAt("c1", MIN));
            saved = before.snapshot(0, 0);
        }
        long oldSlot = UserTimers.roundUp(11 * MIN, ClickDrops.HEAP_STEP, "u1");
        long newSlot = UserTimers.roundUp(21 * MIN, ClickDrops.HEAP_STEP, "u1");
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.create(
                new UserJourneys(true, null, null, new ClickThenPurchase(20 * MIN, LATE), null, null))) {
            h.initializeState(saved);
            h.open();
            // With the new limit c1's slot would be c2's: c2 finds c1 listed and registers nothing.
            h.processElement(clickAt("c2", MIN));
            assertThat(h.numEventTimeTimers()).as("c1's timer from before the restore").isEqualTo(1);

            h.processWatermark(new Watermark(oldSlot));   // c1's old timer: both clicks still in reach
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).as("rearmed at the clicks' slot").isEqualTo(1);
            h.processWatermark(new Watermark(newSlot));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void onTheHeapAClickRegistersNoTimerItsUsersLastListedClickHolds() throws Exception {
        long step = ClickDrops.HEAP_STEP;
        long slot = UserTimers.roundUp(10 * MIN + 30_000, step, "u1");
        long first = slot - 10 * MIN - step + 1;                  // its limit is the slot's first millisecond
        send("c1", EventType.CLICK, first);
        send("c2", EventType.CLICK, first + 20_000);
        send("c3", EventType.CLICK, first + step);               // the next slot
        send("p1", EventType.PURCHASE, first + step + 1);       // uses c1, passes c2 and c3
        harness.processWatermark(new Watermark(first + step + 1));
        assertThat(harness.numKeyedStateEntries()).as("no listed click").isZero();
        send("c4", EventType.CLICK, first + step + 2);           // c3's slot, but nothing listed holds it
        assertThat(timers.eventTimeRegistrations).as("c1, c3, p1, c4").isEqualTo(4);
        assertThat(harness.numEventTimeTimers()).as("c1's and c3's slots").isEqualTo(2);

        // The form for RocksDB, where a look at the list would read it all: every click registers its timer.
        CountingTimers inRocksDb = new CountingTimers(false, null, null, new ClickThenPurchase(10 * MIN, LATE));
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> other = JourneyHarness.open(inRocksDb)) {
            for (String id : new String[] {"c1", "c2", "c3"}) {
                other.processElement(new StreamRecord<>(new ClickEvent(id, "u1", "s1", EventType.CLICK, "/p",
                        first, null, null, null), first));
            }
            assertThat(inRocksDb.eventTimeRegistrations).as("one per click").isEqualTo(3);
            assertThat(other.numEventTimeTimers()).isEqualTo(1);
        }
    }
}
