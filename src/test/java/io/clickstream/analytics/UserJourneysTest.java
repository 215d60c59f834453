package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/** The journeys' shared operator: its two state forms, each taking over the other's, and the heap value. */
class UserJourneysTest {
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> harness(boolean oneValue)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new UserJourneys(oneValue, new KeyedAttribution(10 * SEC, 30 * SEC, LATE),
                        new KeyedConversions(5 * MIN, LATE), new ClickThenPurchase(10 * MIN, LATE)),
                e -> e.userId, Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, String id,
                             String user, EventType type, long ts) throws Exception {
        h.processElement(new StreamRecord<>(new ClickEvent(id, user, null, type, "/p", ts,
                type == EventType.PURCHASE ? 12.5 : null, null, null), ts));
    }

    /** Two users' clicks and purchases, then a watermark that leaves every journey something open. */
    private static void firstHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "a1", "u1", EventType.CLICK, MIN);
        send(h, "a2", "u2", EventType.CLICK, MIN + 5 * SEC);
        send(h, "a3", "u1", EventType.PURCHASE, MIN + 20 * SEC);
        send(h, "a4", "u1", EventType.CLICK, 2 * MIN);
        h.processWatermark(new Watermark(MIN + 10 * SEC));
    }

    private static void secondHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "b1", "u2", EventType.PURCHASE, 2 * MIN + 10 * SEC);
        send(h, "b2", "u1", EventType.PURCHASE, 3 * MIN);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    /** Every result of every journey, as text, in the order emitted. */
    private static List<String> results(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) {
        List<String> all = new ArrayList<>();
        for (OutputTag<?> tag : List.of(UserJourneys.ATTRIBUTION, UserJourneys.CONVERSIONS, UserJourneys.CLICK_TO_PURCHASE)) {
            if (h.getSideOutput(tag) != null) {
                h.getSideOutput(tag).forEach(r -> all.add(tag.getId() + ": " + r.getValue()));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "one value: {0}")
    @ValueSource(booleans = {true, false})
    void eachFormTakesOverTheOthersStateFromASavepointWithTheSameResults(boolean fromOneValue) throws Exception {
        List<String> uninterrupted;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(fromOneValue)) {
            h.open();
            firstHalf(h);
            secondHalf(h);
            uninterrupted = results(h);
        }
        // a3 <- a1 (attribution: b1 and b2 have no click within 30 s); u1's and u2's first five minutes; a3 <- a1,
        // b2 <- a4, b1 <- a2 (click then purchase)
        assertThat(uninterrupted).extracting(r -> r.substring(0, r.indexOf(':')))
                .containsExactlyInAnyOrder("attribution", "conversions", "conversions",
                        "click-to-purchase", "click-to-purchase", "click-to-purchase");

        OperatorSubtaskState snapshot;
        List<String> before;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(fromOneValue)) {
            h.open();
            firstHalf(h);
            before = results(h);
            snapshot = h.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> other = harness(!fromOneValue)) {
            other.initializeState(snapshot);
            other.open();
            UserJourneys operator = (UserJourneys) other.getOperator();
            assertThat(operator.stateIsOneValue()).isEqualTo(!fromOneValue);
            secondHalf(other);
            List<String> after = new ArrayList<>(before);
            after.addAll(results(other));
            assertThat(after).containsExactlyInAnyOrderElementsOf(uninterrupted);
            assertThat(other.numKeyedStateEntries()).as("nothing left in either form").isZero();
            assertThat(other.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest(name = "one value: {0}")
    @ValueSource(booleans = {true, false})
    void aJourneySwitchedToItsFlinkFormLeavesNothingOfItsStateAfterARestore(boolean oneValue) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(oneValue)) {
            h.open();
            firstHalf(h);
            snapshot = h.snapshot(1, 0);
        }
        // Attribution now runs as the interval join: its clicks and undecided purchase stay behind in the savepoint.
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new UserJourneys(oneValue, null, new KeyedConversions(5 * MIN, LATE), new ClickThenPurchase(10 * MIN, LATE)),
                e -> e.userId, Types.STRING)) {
            h.getExecutionConfig().disableGenericTypes();
            h.initializeState(snapshot);
            h.open();
            secondHalf(h);
            assertThat(results(h)).noneMatch(r -> r.startsWith("attribution:"))
                    .filteredOn(r -> r.startsWith("click-to-purchase:")).hasSize(3);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void onTheHeapAUserIsOneStateEntryClearedWhenItsJourneysHoldNothing() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(true)) {
            h.open();
            send(h, "c1", "u1", EventType.CLICK, MIN);
            send(h, "p1", "u1", EventType.PURCHASE, MIN + SEC);
            assertThat(h.numKeyedStateEntries()).as("three journeys' lists and a window: one value").isEqualTo(1);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false)) {
            h.open();
            send(h, "c1", "u1", EventType.CLICK, MIN);
            send(h, "p1", "u1", EventType.PURCHASE, MIN + SEC);
            assertThat(h.numKeyedStateEntries()).as("four lists and a window map").isEqualTo(5);
        }
    }

    @Test
    void theValueSurvivesItsSerializerAndACopySharesNoListOrWindow() throws Exception {
        JourneyState s = new JourneyState();
        ClickEvent click = new ClickEvent("c1", "u1", null, EventType.CLICK, "/p", MIN, null, null, null);
        ClickEvent purchase = new ClickEvent("p1", "u1", null, EventType.PURCHASE, "/buy", 2 * MIN, 12.5, null, null);
        s.add(JourneyStore.ATTRIBUTION_CLICKS, click);
        s.add(JourneyStore.PENDING_PURCHASES, purchase);
        s.count(0, 1, 0, 0);
        s.count(5 * MIN, 0, 1, 1250);
        s.count(0, 1, 0, 0);

        DataOutputSerializer out = new DataOutputSerializer(64);
        JourneyStateSerializer.INSTANCE.serialize(s, out);
        JourneyState read = JourneyStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.get(JourneyStore.ATTRIBUTION_CLICKS)).containsExactly(click);
        assertThat(read.get(JourneyStore.PENDING_PURCHASES)).containsExactly(purchase);
        assertThat(read.get(JourneyStore.OPEN_CLICKS)).isEmpty();
        assertThat(read.remove(5 * MIN)).containsExactly(0, 1, 1250);
        assertThat(read.remove(0)).containsExactly(2, 0, 0);
        assertThat(read.isEmpty()).isFalse();

        JourneyState copy = JourneyStateSerializer.INSTANCE.copy(s);
        copy.add(JourneyStore.ATTRIBUTION_CLICKS, click);
        copy.count(0, 1, 0, 0);
        copy.remove(5 * MIN);
        assertThat(s.get(JourneyStore.ATTRIBUTION_CLICKS)).hasSize(1);
        assertThat(s.remove(0)).containsExactly(2, 0, 0);
        assertThat(s.remove(5 * MIN)).containsExactly(0, 1, 1250);
    }
}
