package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PreCountViewsTest {
    private static final long T0 = 1_732_528_800_000L;   // a whole minute
    private static final long SEC = 1_000;
    private static final long MIN = 60_000;

    private static OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> harness() throws Exception {
        OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h =
                new OneInputStreamOperatorTestHarness<>(new PreCountViews(Duration.ofMinutes(1)));
        h.open();
        return h;
    }

    private static void event(OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h, String id, EventType type,
                              String url, long ts) throws Exception {
        h.processElement(new StreamRecord<>(new ClickEvent(id, "u-" + id, "s", type, url, ts, null, "ref", "agent"), ts));
    }

    private static void view(OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h, String id, String url, long ts)
            throws Exception {
        event(h, id, EventType.VIEW, url, ts);
    }

    /** The output in order: "url xN @ts" for a count, "url x1 (id) @ts" for a view alone, "W…" for a watermark. */
    private static List<String> out(OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark) {
                out.add("W" + (((Watermark) o).getTimestamp() - T0));
            } else if (o instanceof StreamRecord) {
                StreamRecord<?> r = (StreamRecord<?>) o;
                out.add(r.getValue() + " @" + (r.getTimestamp() - T0));
            } else {
                out.add(o.toString());
            }
        }
        return out;
    }

    /** The counts of one stretch of output (between watermarks), in URL order: the order among them is the map's. */
    private static List<String> sorted(List<String> part) {
        return part.stream().sorted().collect(Collectors.toList());
    }

    @Test
    void aWindowsCountsGoOutJustBeforeTheWatermarkThatClosesIt() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            view(h, "1", "/a", T0 + SEC);
            view(h, "2", "/b", T0 + 3 * SEC);
            view(h, "3", "/a", T0 + 2 * SEC);
            view(h, "4", "/a", T0 + MIN + SEC);      // the next window
            h.processWatermark(new Watermark(T0 + MIN - 2));
            assertThat(out(h)).containsExactly("W59998");

            h.processWatermark(new Watermark(T0 + MIN - 1));   // the first window's last millisecond: it closes
            List<String> out = out(h);
            assertThat(sorted(out.subList(1, 3))).containsExactly("/a x2 @2000", "/b x1 @3000");
            assertThat(out.subList(3, out.size())).containsExactly("W59999");

            h.processWatermark(new Watermark(T0 + 2 * MIN - 1));
            assertThat(out(h).subList(4, out(h).size())).containsExactly("/a x1 @61000", "W119999");
        }
    }

    @Test
    void aViewWhoseWindowIsClosedHereGoesOnAloneAtOnceWithItsIdAndUser() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            h.processWatermark(new Watermark(T0 + MIN - 1));
            view(h, "late", "/a", T0 + 30 * SEC);

            assertThat(out(h)).containsExactly("W59999", "/a x1 (late) @30000");
            ViewCount alone = (ViewCount) ((StreamRecord<?>) h.getOutput().toArray()[1]).getValue();
            assertThat(alone.lateView()).isEqualTo(
                    new ClickEvent("late", "u-late", null, EventType.VIEW, "/a", T0 + 30 * SEC, null, null, null));
        }
    }

    @Test
    void onlyViewsAreCounted() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            event(h, "c", EventType.CLICK, "/a", T0 + SEC);
            event(h, "k", EventType.ADD_TO_CART, "/a", T0 + SEC);
            event(h, "p", EventType.PURCHASE, "/a", T0 + SEC);
            view(h, "v", "/a", T0 + SEC);
            h.processWatermark(new Watermark(T0 + MIN - 1));

            assertThat(out(h)).containsExactly("/a x1 @1000", "W59999");
        }
    }

    @Test
    void everyCountGoesOutBeforeACheckpointBarrierAndNoneIsKeptInState() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            view(h, "1", "/a", T0 + SEC);
            view(h, "2", "/a", T0 + MIN + SEC);
            h.prepareSnapshotPreBarrier(1);
            assertThat(sorted(out(h))).containsExactly("/a x1 @1000", "/a x1 @61000");
            assertThat(h.snapshot(1, 0).getManagedOperatorState()).isEmpty();

            view(h, "3", "/a", T0 + 2 * SEC);   // counted anew after the barrier, not added to what went out
            h.processWatermark(new Watermark(T0 + MIN - 1));
            assertThat(out(h).subList(2, out(h).size())).containsExactly("/a x1 @2000", "W59999");
        }
    }

    @Test
    void everyCountGoesOutBeforeTheInputTurnsIdle() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            view(h, "1", "/a", T0 + SEC);
            view(h, "2", "/a", T0 + 5 * SEC);
            h.processWatermarkStatus(WatermarkStatus.IDLE);

            assertThat(out(h)).containsExactly("/a x2 @5000", "WatermarkStatus(IDLE)");
        }
    }

    @Test
    void pastTheMostHeldEveryCountGoesOut() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ViewCount> h = harness()) {
            for (int i = 0; i < PreCountViews.MOST_HELD; i++) {
                view(h, "v" + i, "/p" + i, T0 + SEC);
            }
            assertThat(h.getOutput()).isEmpty();

            view(h, "one-more", "/p-more", T0 + SEC);
            assertThat(h.getOutput()).hasSize(PreCountViews.MOST_HELD + 1);
            assertThat(h.getOutput()).allMatch(o -> ((ViewCount) ((StreamRecord<?>) o).getValue()).count == 1);
        }
    }

    @Test
    void aCountThatReachesTheLateOutputFailsNamingItsUrl() {
        ViewCount count = new ViewCount("/a", 3, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(count::lateView)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 views of /a");
    }
}
