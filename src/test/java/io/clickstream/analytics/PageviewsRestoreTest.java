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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pageviews window across a restore, with the operators the job builds ({@link Analytics#pageviews}): the
 * {@link KeptWatermark} behind the shuffle by URL and Flink's window chained onto it ({@link KeeperInFront}), with
 * explicit watermarks.
 */
class PageviewsRestoreTest {
    private static final long T0 = 1_732_528_800_000L;   // a whole minute
    private static final long SEC = 1_000;
    private static final long MIN = 60_000;

    /** The keeper and the window of one run of the job's pageviews, built from its transformations. */
    @SuppressWarnings("unchecked")
    private static KeeperInFront<ViewCount> chain() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OneInputTransformation<ViewCount, PageviewCount> windowed = (OneInputTransformation<ViewCount, PageviewCount>)
                Analytics.pageviews(env.fromData(view("x", 0)), AnalyticsRun.defaults()).getTransformation();
        Transformation<?> forward = windowed.getInputs().get(0);
        OneInputTransformation<ViewCount, ViewCount> kept =
                (OneInputTransformation<ViewCount, ViewCount>) forward.getInputs().get(0);
        assertThat(kept.getUid()).isEqualTo(Analytics.PAGEVIEWS_WATERMARK_UID);
        return new KeeperInFront<>(new OneInputStreamOperatorTestHarness<>(kept.getOperatorFactory(), 128, 1, 0),
                new KeyedOneInputStreamOperatorTestHarness<>(windowed.getOperatorFactory(),
                        (KeySelector<ViewCount, String>) windowed.getStateKeySelector(), Types.STRING, 128, 1, 0));
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount> window(
            KeeperInFront<ViewCount> chain) {
        return (KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount>) chain.next;
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
        try (KeeperInFront<ViewCount> before = chain()) {
            before.open();
            before.process(new ViewCount("/a", 3, null), T0 + SEC);
            before.watermark(T0 + 2 * MIN);   // past end + 30 s of allowed lateness
            assertThat(pageviews(window(before))).containsExactly("/a @0 views=3 rev=0");
            return before.snapshot();
        }
    }

    @Test
    void aViewTooLateBeforeARestoreIsLateAfterItAndItsWindowDoesNotFireAgain() throws Exception {
        OperatorSubtaskState[] savepoint = runUntilTheFirstWindowIsPurged();
        try (KeeperInFront<ViewCount> after = chain()) {
            after.restore(savepoint[0], savepoint[1]);
            after.open();
            after.process(new ViewCount("/a", 1, view("late-1", T0 + 2 * SEC)), T0 + 2 * SEC);  // before any watermark
            after.watermark(T0 + 3 * MIN);

            assertThat(pageviews(window(after))).isEmpty();
            assertThat(late(window(after))).containsExactly("/a x1 (late-1)");
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
        try (KeeperInFront<ViewCount> after = chain()) {
            KeyedOneInputStreamOperatorTestHarness<String, ViewCount, PageviewCount> window = window(after);
            window.initializeState(savepoint[1]);
            window.open();
            window.processElement(new ViewCount("/a", 1, view("late-1", T0 + 2 * SEC)), T0 + 2 * SEC);
            window.processWatermark(new Watermark(T0 + 3 * MIN));

            assertThat(pageviews(window)).containsExactly("/a @0 views=1 rev=0");
            assertThat(late(window)).isEmpty();
        }
    }
}
