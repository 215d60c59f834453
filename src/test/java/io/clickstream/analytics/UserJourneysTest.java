package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        return JourneyHarness.create(new UserJourneys(oneValue, new KeyedAttribution(10 * SEC, 30 * SEC, LATE),
                new KeyedConversions(5 * MIN, 0, LATE), new ClickThenPurchase(10 * MIN, LATE),
                new CartAbandonment(30 * MIN, LATE), new RapidPurchases(3, MIN, 1000, LATE)));
    }

    /** The operator on RocksDB, its form following the backend and the cache ({@code cachedUsers}, 0: none). */
    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> onRocksDb(int cachedUsers)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.create(new UserJourneys(
                cachedUsers, new KeyedAttribution(10 * SEC, 30 * SEC, LATE), new KeyedConversions(5 * MIN, 0, LATE),
                new ClickThenPurchase(10 * MIN, LATE), new CartAbandonment(30 * MIN, LATE),
                new RapidPurchases(3, MIN, 1000, LATE)));
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, String id,
                             String user, EventType type, long ts) throws Exception {
        send(h, id, user, type, ts, type == EventType.PURCHASE ? 12.5 : null);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, String id,
                             String user, EventType type, long ts, Double spend) throws Exception {
        h.processElement(new StreamRecord<>(new ClickEvent(id, user, null, type, "/p", ts, spend, null, null), ts));
    }

    /** Four users' events, then a watermark that leaves every journey something open. */
    private static void firstHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "a1", "u1", EventType.CLICK, MIN);
        send(h, "a2", "u2", EventType.CLICK, MIN + 5 * SEC);
        send(h, "a3", "u1", EventType.PURCHASE, MIN + 20 * SEC);
        send(h, "a4", "u1", EventType.CLICK, 2 * MIN);
        send(h, "a5", "u4", EventType.ADD_TO_CART, MIN + SEC);              // never bought
        send(h, "a6", "u3", EventType.PURCHASE, MIN + 15 * SEC, 400.0);    // the start of a rapid series
        send(h, "a7", "u3", EventType.PURCHASE, MIN + 20 * SEC, 400.0);
        h.processWatermark(new Watermark(MIN + 10 * SEC));
    }

    private static void secondHalf(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) throws Exception {
        send(h, "b1", "u2", EventType.PURCHASE, 2 * MIN + 10 * SEC);
        send(h, "b2", "u1", EventType.PURCHASE, 3 * MIN);
        send(h, "b3", "u3", EventType.PURCHASE, MIN + 40 * SEC, 400.0);    // 1,200 in 25 s
        h.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    /** Every result of every journey, as text, each output's in the order emitted. */
    private static List<String> results(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h) {
        List<String> all = new ArrayList<>();
        for (OutputTag<?> tag : List.of(UserJourneys.ATTRIBUTION, UserJourneys.CONVERSIONS, UserJourneys.CLICK_TO_PURCHASE,
                UserJourneys.CART_ABANDONED, UserJourneys.RAPID_PURCHASES)) {
            JourneyHarness.values(h, tag).forEach(v -> all.add(tag.getId() + ": " + v));
        }
        return all;
    }

    /** Both halves in one run, on the heap in the {@code oneValue} form. */
    private static List<String> uninterrupted(boolean oneValue) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(oneValue)) {
            h.open();
            firstHalf(h);
            secondHalf(h);
            return results(h);
        }
    }

    @ParameterizedTest(name = "one value: {0}")
    @ValueSource(booleans = {true, false})
    void eachFormTakesOverTheOthersStateFromASavepointWithTheSameResults(boolean fromOneValue) throws Exception {
        List<String> uninterrupted = uninterrupted(fromOneValue);
        // a3 <- a1 (attribution: b1 and b2 have no click within 30 s); u1's, u2's and u3's first five minutes;
        // a3 <- a1, b2 <- a4, b1 <- a2 (click then purchase); a5 (cart); a6, a7, b3 (rapid purchases)
        assertThat(uninterrupted).extracting(r -> r.substring(0, r.indexOf(':')))
                .containsExactlyInAnyOrder("attribution", "conversions", "conversions", "conversions",
                        "click-to-purchase", "click-to-purchase", "click-to-purchase", "cart-abandoned",
                        "rapid-purchases");

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

    /**
     * In RocksDB with a cache the state is the value form, its users' changes written back before each checkpoint
     * (with a cache of one user, also as each user leaves it); without, the lists. A savepoint of either restores
     * into either with the uninterrupted run's results.
     */
    @ParameterizedTest(name = "cached users {0} -> {1}")
    @CsvSource({"100, 100", "1, 1", "0, 100", "100, 0"})
    void inRocksDbARestoreGivesTheUninterruptedResultsWithAndWithoutTheCache(int before, int after) throws Exception {
        List<String> uninterrupted = uninterrupted(true);
        OperatorSubtaskState snapshot;
        List<String> all;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = onRocksDb(before)) {
            h.open();
            assertThat(((UserJourneys) h.getOperator()).stateIsOneValue()).isEqualTo(before > 0);
            firstHalf(h);
            all = new ArrayList<>(results(h));
            h.prepareSnapshotPreBarrier(1);   // as the task does before each checkpoint
            snapshot = h.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = onRocksDb(after)) {
            h.initializeState(snapshot);
            h.open();
            secondHalf(h);
            all.addAll(results(h));
            assertThat(all).containsExactlyInAnyOrderElementsOf(uninterrupted);
            assertThat(h.numEventTimeTimers()).isZero();
            h.prepareSnapshotPreBarrier(2);
            h.snapshot(2, 0);
            KeyedStateBackend<String> backend = ((UserJourneys) h.getOperator()).getKeyedStateBackend();
            List<String> states = new ArrayList<>(List.of(JourneyStore.LIST_NAMES));
            states.add(JourneyStore.WINDOWS_NAME);
            states.add(JourneyStore.VALUE_NAME);
            states.add(JourneyLog.NAME);
            for (String state : states) {
                try (java.util.stream.Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                    assertThat(keys).as("users left in %s: cleared values are written back at the checkpoint", state)
                            .isEmpty();
                }
            }
        }
    }

    /**
     * In RocksDB with the cache, the users' values go into the log of their changes (JourneyLog); a savepoint in
     * Flink's canonical format (as {@code run} takes on stop) of that form restores on the heap, and the heap's into
     * it, with the results of a run without the stop.
     */
    @ParameterizedTest(name = "from RocksDB with the cache: {0}")
    @ValueSource(booleans = {true, false})
    void aSavepointOfTheLogFormRestoresOnTheHeapAndTheHeapsIntoIt(boolean fromLog) throws Exception {
        List<String> uninterrupted = uninterrupted(true);
        OperatorSubtaskState savepoint;
        List<String> all;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = fromLog ? onRocksDb(100) : harness(true)) {
            h.open();
            firstHalf(h);
            all = new ArrayList<>(results(h));
            h.prepareSnapshotPreBarrier(1);
            if (fromLog) {
                assertThat(keys(h, JourneyLog.NAME)).containsExactlyInAnyOrder("u1", "u2", "u3", "u4");
                assertThat(keys(h, JourneyStore.VALUE_NAME)).isEmpty();
            }
            savepoint = h.snapshotWithLocalState(1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                    .getJobManagerOwnedState();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = fromLog ? harness(true) : onRocksDb(100)) {
            h.initializeState(savepoint);
            h.open();
            assertThat(keys(h, fromLog ? JourneyLog.NAME : JourneyStore.VALUE_NAME)).as("moved into the form in use").isEmpty();
            secondHalf(h);
            all.addAll(results(h));
            assertThat(all).containsExactlyInAnyOrderElementsOf(uninterrupted);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    private static List<String> keys(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h, String state) {
        KeyedStateBackend<String> backend = ((UserJourneys) h.getOperator()).getKeyedStateBackend();
        try (java.util.stream.Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.collect(java.util.stream.Collectors.toList());
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
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.create(
                new UserJourneys(oneValue, null, new KeyedConversions(5 * MIN, 0, LATE), new ClickThenPurchase(10 * MIN, LATE),
                        new CartAbandonment(30 * MIN, LATE), new RapidPurchases(3, MIN, 1000, LATE)))) {
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
            assertThat(h.numKeyedStateEntries()).as("four journeys' lists and a window: one value").isEqualTo(1);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(false)) {
            h.open();
            send(h, "c1", "u1", EventType.CLICK, MIN);
            send(h, "p1", "u1", EventType.PURCHASE, MIN + SEC);
            assertThat(h.numKeyedStateEntries()).as("attribution's two lists, the open clicks, the pending "
                    + "purchases, and the window map").isEqualTo(5);
        }
    }

    @Test
    void aPurchaseWaitsOnceWithOneTimerForTheJourneysThatDecideItAtItsTime() throws Exception {
        CountingTimers timers = new CountingTimers(true, null, null, new ClickThenPurchase(10 * MIN, LATE),
                new CartAbandonment(30 * MIN, LATE), new RapidPurchases(3, MIN, 1000, LATE));
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(timers)) {
            send(h, "c1", "u1", EventType.CLICK, MIN);
            send(h, "a1", "u1", EventType.ADD_TO_CART, MIN + SEC);
            int before = timers.eventTimeRegistrations;
            send(h, "p1", "u1", EventType.PURCHASE, 2 * MIN, 400.0);
            assertThat(timers.eventTimeRegistrations - before).as("one timer for the three journeys").isEqualTo(1);

            h.processWatermark(new Watermark(2 * MIN));
            assertThat(JourneyHarness.values(h, UserJourneys.CLICK_TO_PURCHASE)).extracting(m -> m.clickEventId)
                    .containsExactly("c1");
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(JourneyHarness.values(h, UserJourneys.CART_ABANDONED)).as("bought by p1").isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    /**
     * A savepoint of an earlier version holds a user's pending purchases in a list per journey, with a timer per
     * journey at each purchase's time; restored, each purchase is decided once for every journey.
     */
    @ParameterizedTest(name = "one value: {0}")
    @ValueSource(booleans = {true, false})
    void pendingPurchasesOfAnEarlierVersionsListsAreDecidedOnce(boolean oneValue) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(oneValue)) {
            h.open();
            send(h, "c1", "u1", EventType.CLICK, MIN);
            send(h, "a1", "u1", EventType.ADD_TO_CART, MIN + SEC);
            UserJourneys operator = (UserJourneys) h.getOperator();
            operator.setCurrentKey("u1");
            KeyedStateBackend<Object> backend = operator.getKeyedStateBackend();
            JourneyState value = oneValue ? backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, JourneyStore.value()).value() : null;
            InternalTimerService<Integer> timers = operator.getInternalTimerService("journey-timers",
                    IntSerializer.INSTANCE, operator);
            for (int i = 0; i < 3; i++) {
                ClickEvent p = new ClickEvent("p" + i, "u1", null, EventType.PURCHASE, "/buy", 2 * MIN + i * 10 * SEC,
                        400.0, null, null);
                for (int list : new int[] {JourneyStore.PENDING_PURCHASES, JourneyStore.CART_PURCHASES,
                        JourneyStore.RAPID_PENDING}) {
                    if (oneValue) {
                        value.add(list, p);
                    } else {
                        backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                                JourneyStore.list(list)).add(p);
                    }
                }
                for (int journey = 2; journey <= 4; journey++) {   // click → purchase, carts, rapid purchases
                    timers.registerEventTimeTimer(journey, p.ts);
                }
            }
            snapshot = h.snapshot(1, 0);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = harness(oneValue)) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(JourneyHarness.values(h, UserJourneys.CLICK_TO_PURCHASE)).extracting(m -> m.purchaseEventId)
                    .containsExactly("p0");
            assertThat(JourneyHarness.values(h, UserJourneys.CART_ABANDONED)).as("bought by p0").isEmpty();
            assertThat(JourneyHarness.values(h, UserJourneys.RAPID_PURCHASES))
                    .extracting(a -> a.windowStart + ".." + a.windowEnd + " " + a.detail)
                    .containsExactly(2 * MIN + ".." + (2 * MIN + 20 * SEC) + " 3 purchases");
            assertThat(h.numKeyedStateEntries()).isZero();
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
        s.revise(5 * MIN);

        DataOutputSerializer out = new DataOutputSerializer(64);
        new JourneyStateSerializer().serialize(s, out);
        JourneyState read = new JourneyStateSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.get(JourneyStore.ATTRIBUTION_CLICKS)).containsExactly(click);
        assertThat(read.get(JourneyStore.PENDING_PURCHASES)).containsExactly(purchase);
        assertThat(read.get(JourneyStore.OPEN_CLICKS)).isEmpty();
        assertThat(read.revise(5 * MIN)).as("revised once before").containsExactly(0, 1, 1250, 2);
        assertThat(read.remove(5 * MIN)).containsExactly(0, 1, 1250);
        assertThat(read.remove(0)).containsExactly(2, 0, 0);
        assertThat(read.isEmpty()).isFalse();

        JourneyState copy = new JourneyStateSerializer().copy(s);
        copy.add(JourneyStore.ATTRIBUTION_CLICKS, click);
        copy.count(0, 1, 0, 0);
        copy.remove(5 * MIN);
        assertThat(s.get(JourneyStore.ATTRIBUTION_CLICKS)).hasSize(1);
        assertThat(s.remove(0)).containsExactly(2, 0, 0);
        assertThat(s.remove(5 * MIN)).containsExactly(0, 1, 1250);
    }

    /** The map-state form wrote a window's three counts before firings were kept; it has not fired. */
    @Test
    void aConversionWindowOfThreeCountsInTheMapStateFiresAsRevisionZeroAndIsRevised() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Void> h = JourneyHarness.open(
                new UserJourneys(false, null, new KeyedConversions(5 * MIN, 30 * SEC, LATE), null, null, null))) {
            UserJourneys operator = (UserJourneys) h.getOperator();
            operator.setCurrentKey("u1");
            operator.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, JourneyStore.windows()).put(0L, new long[] {1, 1, 1250});
            operator.getInternalTimerService("journey-timers", IntSerializer.INSTANCE, operator)
                    .registerEventTimeTimer(1, 5 * MIN - 1);   // the conversions journey's, at the window's end

            h.processWatermark(new Watermark(5 * MIN - 1));
            send(h, "c1", "u1", EventType.CLICK, 4 * MIN);   // late, inside the lateness
            h.processWatermark(new Watermark(5 * MIN - 1 + 30 * SEC));

            assertThat(JourneyHarness.values(h, UserJourneys.CONVERSIONS)).containsExactly(
                    new Conversion("u1", 0, 5 * MIN, 1, 1, 12.5, 0), new Conversion("u1", 0, 5 * MIN, 2, 1, 12.5, 1));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aValueWrittenBeforeCartsAndRapidPurchasesJoinedReadsWithTheirListsEmpty() throws Exception {
        ClickEvent click = new ClickEvent("c1", "u1", null, EventType.CLICK, "/p", MIN, null, null, null);
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);                                  // format 1: windows without their firings
        out.writeByte(4);                                  // attribution's and click → purchase's lists only
        out.writeInt(1);
        new io.clickstream.event.ClickEventSerializer().serialize(click, out);
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(1);                                   // one conversion window
        for (long v : new long[] {0, 1, 0, 0}) {
            out.writeLong(v);
        }
        JourneyState read = new JourneyStateSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.get(JourneyStore.ATTRIBUTION_CLICKS)).containsExactly(click);
        for (int list = JourneyStore.OPEN_CLICKS; list < JourneyStore.LISTS; list++) {
            assertThat(read.get(list)).isEmpty();
        }
        assertThat(read.revise(0)).as("a window of format 1 has not fired: a late event after its firing is "
                + "revision 1").containsExactly(1, 0, 0, 1);
        assertThat(read.remove(0)).containsExactly(1, 0, 0);
    }
}
