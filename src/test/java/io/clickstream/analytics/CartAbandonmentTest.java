package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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

/** The keyed cart-abandonment journey's state and timers (its alerts: JourneysGoldenTest, for both forms). */
class CartAbandonmentTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));
    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness;

    @BeforeEach
    void open() throws Exception {
        harness = JourneyHarness.open(new UserJourneys(null, null, null, new CartAbandonment(30 * MIN, LATE), null));
    }

    private List<Alert> alerts() {
        return JourneyHarness.values(harness, UserJourneys.CART_ABANDONED);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String id, EventType type, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(new ClickEvent(id, "u1", null, type, "/cart", ts,
                type == EventType.PURCHASE ? 5.0 : null, null, null), ts));
    }

    @Test
    void theAlertComesWhenTheWatermarkReachesTheDeadlineAndLeavesNoState() throws Exception {
        send("c1", EventType.ADD_TO_CART, 0);
        harness.processWatermark(new Watermark(30 * MIN - 1));
        assertThat(alerts()).isEmpty();

        harness.processWatermark(new Watermark(30 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId).containsExactly("u1|CART_ABANDONED|c1");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aBoughtCartAndItsPurchaseLeaveNoStateNoTimerAndRaiseNothing() throws Exception {
        send("c1", EventType.ADD_TO_CART, 0);
        send("c2", EventType.ADD_TO_CART, MIN);
        send("p1", EventType.PURCHASE, 2 * MIN);
        harness.processWatermark(new Watermark(2 * MIN));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();             // c1's deadline timer went with it

        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void openCartsShareOneTimerAtTheEarliestDeadlineAndEachStillTimesOutAtItsOwn() throws Exception {
        send("c1", EventType.ADD_TO_CART, 0);
        send("c2", EventType.ADD_TO_CART, MIN);
        send("c3", EventType.ADD_TO_CART, 2 * MIN);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(new Watermark(30 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId).containsExactly("u1|CART_ABANDONED|c1");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);         // moved on to c2's deadline

        harness.processWatermark(new Watermark(31 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId)
                .containsExactly("u1|CART_ABANDONED|c1", "u1|CART_ABANDONED|c2");
        harness.processWatermark(new Watermark(32 * MIN));
        assertThat(alerts()).extracting(a -> a.windowEnd)
                .containsExactly(30 * MIN, 31 * MIN, 32 * MIN);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aCartOutOfOrderWithAnEarlierDeadlineGetsATimerOfItsOwn() throws Exception {
        send("c2", EventType.ADD_TO_CART, MIN);
        send("c1", EventType.ADD_TO_CART, 0);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(new Watermark(30 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId).containsExactly("u1|CART_ABANDONED|c1");
        harness.processWatermark(new Watermark(31 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId)
                .containsExactly("u1|CART_ABANDONED|c1", "u1|CART_ABANDONED|c2");
    }

    @Test
    void cartsBoughtTogetherLeaveNoTimerEvenOneThatCameOutOfOrder() throws Exception {
        send("c2", EventType.ADD_TO_CART, MIN);
        send("c1", EventType.ADD_TO_CART, 0);                          // a timer of its own, c2's stays
        send("p1", EventType.PURCHASE, 2 * MIN);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);         // both deadlines and the purchase's time

        harness.processWatermark(new Watermark(2 * MIN));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(alerts()).isEmpty();
    }

    @Test
    void aPurchaseThatBuysTheEarliestCartMovesTheTimerToTheNextOpenOne() throws Exception {
        send("c1", EventType.ADD_TO_CART, 0);
        send("p1", EventType.PURCHASE, MIN);
        send("c2", EventType.ADD_TO_CART, 2 * MIN);                    // after the purchase: stays open
        harness.processWatermark(new Watermark(MIN));
        assertThat(alerts()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);         // c2's deadline only: c1's was deleted

        harness.processWatermark(new Watermark(31 * MIN));
        assertThat(alerts()).isEmpty();            // c1 was bought
        harness.processWatermark(new Watermark(32 * MIN));
        assertThat(alerts()).extracting(a -> a.alertId).containsExactly("u1|CART_ABANDONED|c2");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anEventAtTheWatermarkGoesToTheLateOutput() throws Exception {
        harness.processWatermark(new Watermark(MIN));
        send("c1", EventType.ADD_TO_CART, MIN);

        assertThat(harness.getSideOutput(LATE)).extracting(r -> r.getValue().eventId).containsExactly("c1");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
