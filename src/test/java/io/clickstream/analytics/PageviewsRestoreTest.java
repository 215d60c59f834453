package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import io.clickstream.event.KeptWatermark;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pageviews window across a restore, with the operators the job builds ({@link Analytics#pageviews}): the
 * {@link KeptWatermark} behind the shuffle by URL and Flink's window chained onto it. The chain is played here by
 * handing the keeper's output to the window in order, with explicit watermarks.
 */
class PageviewsRestoreTest {
    private static final long T0 = 1_732_528_800_000L;   // a whole minute
    private static final long SEC = 1_000;
    private static final long MIN = 60_000;

    /** The keeper and the window of one run of the job's pageviews, built from its transformations. */
    private static final class Chain implements AutoCloseable {
        final OneInputStreamOperatorTestHarness<ViewCount, ViewCount> keeper;
        final KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount> window;

        @SuppressWarnings("unchecked")
        Chain() throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            OneInputTransformation<ViewCount, PageviewCount> windowed = (OneInputTransformation<ViewCount, PageviewCount>)
                    Analytics.pageviews(env.fromData(view("x", 0)), AnalyticsRun.defaults()).getTransformation();
            Transformation<?> forward = windowed.getInputs().get(0);
            OneInputTransformation<ViewCount, ViewCount> kept =
                    (OneInputTransformation<ViewCount, ViewCount>) forward.getInputs().get(0);
            assertThat(kept.getUid()).isEqualTo(Analytics.PAGEVIEWS_WATERMARK_UID);
            keeper = new OneInputStreamOperatorTestHarness<>(kept.getOperatorFactory(), 128, 1, 0);
            window = new KeyedOneInputStreamOperatorTestHarness<>(windowed.getOperatorFactory(),
                    (KeySelector<ViewCount, String>) windowed.getStateKeySelector(), Types.STRING, 128, 1, 0);
        }

        void restore(OperatorSubtaskState keeperState, OperatorSubtaskState windowState) throws Exception {
            keeper.initializeState(keeperState);
            window.initializeState(windowState);
        }

        void open() throws Exception {
            window.open();
            keeper.open();
            hand();
        }

        void process(ViewCount count, long ts) throws Exception {
            keeper.processElement(count, ts);
            hand();
        }

        void watermark(long w) throws Exception {
            keeper.processWatermark(new Watermark(w));
            hand();
        }

        /** What the keeper emitted, to the window, in order: the chain. */
        @SuppressWarnings("unchecked")
        private void hand() throws Exception {
            Queue<Object> out = keeper.getOutput();
            for (Object o = out.poll(); o != null; o = out.poll()) {
                if (o instanceof Watermark) {
                    window.processWatermark((Watermark) o);
                } else {
                    window.processElement((StreamRecord<ViewCount>) o);
                }
            }
        }

        @Override
        public void close() throws Exception {
            if (keeper.getOperator() != null) {   // set up: not so when a test leaves the keeper out
                keeper.close();
            }
            window.close();
        }
    }

    private static ClickEvent view(String id, long ts) {
        return new ClickEvent(id, "u-" + id, "s", EventType.VIEW, "/a", ts, null, "ref", "agent");
    }

    private static List<String> pageviews(KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount> w) {
        List<String> out = new ArrayList<>();
        for (Object o : w.getOutput()) {
            if (o instanceof StreamRecord) {
                PageviewCount p = (PageviewCount) ((StreamRecord<?>) o).getValue();
                out.add(p.url + " @" + (p.windowStart - T0) + " views=" + p.views + " rev=" + p.revision);
            }
        }
        return out;
    }

    private static List<String> late(KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount> w) {
        List<String> out = new ArrayList<>();
        if (w.getSideOutput(Analytics.LATE_PAGEVIEWS) != null) {
            w.getSideOutput(Analytics.LATE_PAGEVIEWS).forEach(r -> out.add(r.getValue().toString()));
        }
        return out;
    }

    /** Three views of the first minute, counted; then event time past the window's lateness: it fires and is purged. */
    private static OperatorSubtaskState[] runUntilTheFirstWindowIsPurged() throws Exception {
        try (Chain before = new Chain()) {
            before.open();
            before.process(new ViewCount("/a", 3, null), T0 + SEC);
            before.watermark(T0 + 2 * MIN);   // past end + 30 s of allowed lateness
            assertThat(pageviews(before.window)).containsExactly("/a @0 views=3 rev=0");
            return new OperatorSubtaskState[] {before.keeper.snapshot(1, 0), before.window.snapshot(1, 0)};
        }
    }

    @Test
    void aViewTooLateBeforeARestoreIsLateAfterItAndItsWindowDoesNotFireAgain() throws Exception {
        OperatorSubtaskState[] savepoint = runUntilTheFirstWindowIsPurged();
        try (Chain after = new Chain()) {
            after.restore(savepoint[0], savepoint[1]);
            after.open();
            after.process(new ViewCount("/a", 1, view("late-1", T0 + 2 * SEC)), T0 + 2 * SEC);  // before any watermark
            after.watermark(T0 + 3 * MIN);

            assertThat(pageviews(after.window)).isEmpty();
            assertThat(late(after.window)).containsExactly("/a x1 (late-1)");
        }
    }

    /**
     * Why the keeper is there: Flink's window alone, restored from the same state, takes the same view as on time
     * (its watermark starts from nothing) and fires the purged window again, as a second revision 0 of one view.
     * When this fails, Flink keeps watermarks through restores itself, and the keeper can go.
     */
    @Test
    void withoutTheKeeperFlinksRestoredWindowFiresThePurgedWindowAgainAsRevisionZero() throws Exception {
        OperatorSubtaskState[] savepoint = runUntilTheFirstWindowIsPurged();
        try (Chain after = new Chain()) {
            after.window.initializeState(savepoint[1]);
            after.window.open();
            after.window.processElement(new ViewCount("/a", 1, view("late-1", T0 + 2 * SEC)), T0 + 2 * SEC);
            after.window.processWatermark(new Watermark(T0 + 3 * MIN));

            assertThat(pageviews(after.window)).containsExactly("/a @0 views=1 rev=0");
            assertThat(late(after.window)).isEmpty();
        }
    }
}
