package io.clickstream.event;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeptWatermarkTest {
    private static final int MAX_PARALLELISM = 128;

    private static OneInputStreamOperatorTestHarness<String, String> harness(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new KeptWatermark<>(), MAX_PARALLELISM, parallelism, subtask);
    }

    /** The output in order: "W…" for a watermark, the value of a record with "@" its timestamp. */
    private static List<String> out(OneInputStreamOperatorTestHarness<String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof Watermark ? "W" + ((Watermark) o).getTimestamp()
                    : ((StreamRecord<?>) o).getValue() + "@" + ((StreamRecord<?>) o).getTimestamp());
        }
        return out;
    }

    /** A run that saw watermark {@code w}, snapshotted. */
    private static OperatorSubtaskState snapshotAt(long w, int parallelism, int subtask) throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(parallelism, subtask)) {
            h.open();
            h.processWatermark(new Watermark(w));
            return h.snapshot(1, 0);
        }
    }

    @Test
    void forwardsEveryRecordAndOnlyTheWatermarksThatRise() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.open();
            h.processElement("a", 5);
            h.processWatermark(new Watermark(10));
            h.processElement("late", 3);              // records pass as they are, late or not
            h.processWatermark(new Watermark(10));    // not above: dropped
            h.processWatermark(new Watermark(7));     // below: dropped
            h.processWatermark(new Watermark(12));

            assertThat(out(h)).containsExactly("a@5", "W10", "late@3", "W12");
        }
    }

    @Test
    void aFreshStartEmitsNoWatermarkOfItsOwn() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.open();
            h.processElement("a", 5);

            assertThat(out(h)).containsExactly("a@5");
        }
    }

    @Test
    void aRestoreEmitsTheCheckpointsWatermarkBeforeAnyRecordAndDropsTheRestartedUpstreamsLowerOnes()
            throws Exception {
        OperatorSubtaskState snapshot = snapshotAt(60_000, 1, 0);
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement("replayed", 30_000);
            h.processWatermark(new Watermark(40_000));   // the upstream starts again from its first records
            h.processWatermark(new Watermark(60_001));

            assertThat(out(h)).containsExactly("W60000", "replayed@30000", "W60001");
        }
    }

    @Test
    void aRestoreOfARunThatNeverSawAWatermarkEmitsNone() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.open();
            h.processElement("a", 5);
            snapshot = h.snapshot(1, 0);
        }
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(new Watermark(1));

            assertThat(out(h)).containsExactly("W1");
        }
    }

    @Test
    void afterAChangeOfParallelismEverySubtaskKeepsTheSmallestWatermark() throws Exception {
        OperatorSubtaskState both = AbstractStreamOperatorTestHarness.repackageState(
                snapshotAt(50_000, 2, 0), snapshotAt(80_000, 2, 1));
        for (int subtask = 0; subtask < 3; subtask++) {
            try (OneInputStreamOperatorTestHarness<String, String> h = harness(3, subtask)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        both, MAX_PARALLELISM, 2, 3, subtask));
                h.open();

                assertThat(out(h)).as("subtask %d of 3", subtask).containsExactly("W50000");
            }
        }
    }
}
