package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.UserTimers;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static org.assertj.core.api.Assertions.assertThat;

/** The keyed click → purchase function's state and timers (its matches: JourneysGoldenTest, for both forms). */
class ClickThenPurchaseTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ClickToPurchase> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ClickThenPurchase(10 * MIN, LATE)), e -> e.userId, Types.STRING);
        harness.open();
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
        // u1's minute grid: the first slot after a 10-minute limit from 30 s.
        long slot = UserTimers.roundUp(10 * MIN + 30_000, MIN, "u1");
        send("c1", EventType.CLICK, slot - 10 * MIN - MIN + 1);   // its limit, the slot's first millisecond
        send("c2", EventType.CLICK, slot - 10 * MIN);             // its limit, the slot itself
        // Both clicks share one timer, at the end of their limits rounded up on u1's grid.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(slot - 1));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(new Watermark(slot));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aDecidedPurchaseAndTheClicksItUsedOrPassedLeaveNoState() throws Exception {
        send("c1", EventType.CLICK, MIN);
        send("p1", EventType.PURCHASE, 2 * MIN);
        send("c2", EventType.CLICK, 3 * MIN);   // after the purchase: kept for a later one
        harness.processWatermark(new Watermark(2 * MIN));

        assertThat(harness.extractOutputValues()).containsExactly(
                new ClickToPurchase("p1", "u1", "c1", "/p", MIN, 2 * MIN, 5.0));
        assertThat(harness.numKeyedStateEntries()).as("the open clicks only").isEqualTo(1);

        send("p2", EventType.PURCHASE, 4 * MIN);
        harness.processWatermark(new Watermark(4 * MIN));
        assertThat(harness.extractOutputValues()).hasSize(2);
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
}
