package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The detector's state across a restore: from its own checkpoints, and from the map states of earlier versions. */
class SlicedHighSpendDetectorTest {
    private static final long SEC = 1000;
    private static final long MIN = 60 * SEC;
    private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % (5 * MIN);
    private static final OutputTag<ClickEvent> LATE = new OutputTag<>("late", TypeInformation.of(ClickEvent.class));
    private static final AnalyticsSettings SETTINGS = AnalyticsRun.defaults();

    /** 600 at T0 + 10 s and 500 at T0 + 70 s: the four windows that hold both go above 1,000. */
    private static final List<Alert> SPENT_1100_IN_FOUR_WINDOWS = List.of(
            new Alert(HighSpend.CODE, "u1", T0 - 3 * MIN, T0 + 2 * MIN, 1100.0, 1000, 0),
            new Alert(HighSpend.CODE, "u1", T0 - 2 * MIN, T0 + 3 * MIN, 1100.0, 1000, 0),
            new Alert(HighSpend.CODE, "u1", T0 - MIN, T0 + 4 * MIN, 1100.0, 1000, 0),
            new Alert(HighSpend.CODE, "u1", T0, T0 + 5 * MIN, 1100.0, 1000, 0));

    private static StreamRecord<ClickEvent> purchase(String user, long ts, double spend) {
        return new StreamRecord<>(new ClickEvent("p-" + ts, user, null, EventType.PURCHASE, "/buy", ts, spend, null, null), ts);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> harness(
            KeyedProcessFunction<String, ClickEvent, Alert> function) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), e -> e.userId, Types.STRING);
    }

    @SafeVarargs
    private static OperatorSubtaskState snapshotAfter(KeyedProcessFunction<String, ClickEvent, Alert> function,
                                                      StreamRecord<ClickEvent>... records) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> h = harness(function)) {
            h.open();
            for (StreamRecord<ClickEvent> r : records) {
                h.processElement(r);
            }
            return h.snapshot(1, 1);
        }
    }

    /** Restores {@code snapshot} into the detector, then sends {@code after} and a watermark past every window. */
    private static List<Alert> restoreAndFinish(OperatorSubtaskState snapshot, long watermarkBefore,
                                                List<StreamRecord<ClickEvent>> after) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> h =
                     harness(new SlicedHighSpendDetector(SETTINGS, LATE))) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(watermarkBefore);
            for (StreamRecord<ClickEvent> e : after) {
                h.processElement(e);
            }
            h.processWatermark(T0 + 60 * MIN);
            return h.extractOutputValues();
        }
    }

    @Test
    void slicesCarriedInACheckpointAddUpWithPurchasesAfterTheRestore() throws Exception {
        OperatorSubtaskState snapshot = snapshotAfter(new SlicedHighSpendDetector(SETTINGS, LATE),
                purchase("u1", T0 + 10 * SEC, 600));

        assertThat(restoreAndFinish(snapshot, Long.MIN_VALUE, List.of(purchase("u1", T0 + 70 * SEC, 500))))
                .containsExactlyElementsOf(SPENT_1100_IN_FOUR_WINDOWS);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> onRocksDb(int cachedUsers)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> h = new KeyedOneInputStreamOperatorTestHarness<>(
                SlicedHighSpendDetector.operator(AnalyticsRun.withCachedUsers(cachedUsers), LATE), e -> e.userId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    /**
     * On RocksDB with the users' values on the heap, a checkpoint holds what the cache held before its barrier (with
     * one user cached, u2 pushes u1 out, which writes u1 back): the restored detector adds up u1's slices.
     */
    @ParameterizedTest(name = "cachedUsers={0}")
    @ValueSource(ints = {1, 100})
    void onRocksDbTheCachedUsersSlicesAreInTheCheckpoint(int cachedUsers) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> h = onRocksDb(cachedUsers)) {
            h.open();
            h.processElement(purchase("u1", T0 + 10 * SEC, 600));
            h.processElement(purchase("u2", T0 + 11 * SEC, 5));
            h.prepareSnapshotPreBarrier(1);   // as the task does before each checkpoint
            snapshot = h.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, Alert> h = onRocksDb(cachedUsers)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(purchase("u1", T0 + 70 * SEC, 500));
            h.processWatermark(T0 + 60 * MIN);
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(SPENT_1100_IN_FOUR_WINDOWS);
        }
    }

    @Test
    void mapEntriesOfAnEarlierVersionAreTakenOverOnTheUsersNextPurchase() throws Exception {
        OperatorSubtaskState snapshot = snapshotAfter(new EarlierVersionState(), purchase("u1", T0 + 10 * SEC, 600));

        assertThat(restoreAndFinish(snapshot, Long.MIN_VALUE, List.of(purchase("u1", T0 + 70 * SEC, 500))))
                .containsExactlyElementsOf(SPENT_1100_IN_FOUR_WINDOWS);
    }

    @Test
    void firingCountsOfAnEarlierVersionSetTheRevisionOfALateRefiring() throws Exception {
        OperatorSubtaskState snapshot = snapshotAfter(new EarlierVersionState(), purchase("u1", T0 + 10 * SEC, 1200),
                firing("u1", T0 + 5 * MIN, 2));   // the window [T0, T0+5m) fired twice already

        // Late, within the allowed lateness (30 s) of [T0, T0+5m): its third firing.
        assertThat(restoreAndFinish(snapshot, T0 + 5 * MIN, List.of(purchase("u1", T0 + 4 * MIN, 100))))
                .containsExactly(new Alert(HighSpend.CODE, "u1", T0, T0 + 5 * MIN, 1300.0, 1000, 2));
    }

    private static StreamRecord<ClickEvent> firing(String user, long windowEnd, int times) {
        return new StreamRecord<>(new ClickEvent("f-" + windowEnd, user, null, EventType.VIEW, "/", windowEnd,
                (double) times, null, null), windowEnd);
    }

    /**
     * The state layout of versions before {@link SpendSlices}: map states "slices" (slice start → cents) and
     * "firings" (window end → count), "cleanup-at" and its timer. A purchase adds to its slice; a view stands for a
     * recorded firing count (its time the window end, its spend the count).
     */
    static final class EarlierVersionState extends KeyedProcessFunction<String, ClickEvent, Alert> {
        private transient MapState<Long, Long> slices;
        private transient MapState<Long, Integer> firings;
        private transient ValueState<Long> cleanupAt;

        @Override
        public void open(OpenContext openContext) {
            slices = getRuntimeContext().getMapState(new MapStateDescriptor<>("slices", Types.LONG, Types.LONG));
            firings = getRuntimeContext().getMapState(new MapStateDescriptor<>("firings", Types.LONG, Types.INT));
            cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        }

        @Override
        public void processElement(ClickEvent e, Context ctx, Collector<Alert> out) throws Exception {
            if (e.type == EventType.VIEW) {
                firings.put(e.ts, e.spend.intValue());
                return;
            }
            long slice = e.ts - e.ts % SETTINGS.highSpendSlide.toMillis();
            Long cents = slices.get(slice);
            slices.put(slice, (cents == null ? 0 : cents) + HighSpend.cents(e));
            long expiresAt = slice + SETTINGS.highSpendWindow.toMillis() - 1 + SETTINGS.allowedLateness.toMillis();
            ctx.timerService().registerEventTimeTimer(expiresAt);
            cleanupAt.update(expiresAt);
        }
    }
}
