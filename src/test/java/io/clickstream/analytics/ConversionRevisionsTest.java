package io.clickstream.analytics;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;

import static io.clickstream.analytics.AnalyticsRun.MIN;
import static io.clickstream.analytics.AnalyticsRun.SEC;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Conversions.NumberRevisions}, after the window co-group: its counts per window, their timers, a restore. */
class ConversionRevisionsTest {
    private static final long END = 5 * MIN;

    private static KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> harness(long lateness)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new Conversions.NumberRevisions(lateness)), c -> c.userId,
                        Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    /** A firing of the co-group: the window's counts, stamped as Flink's window operator stamps them. */
    private static StreamRecord<Conversion> firing(long clicks) {
        return new StreamRecord<>(new Conversion("u1", 0, END, clicks, 0, 0), END - 1);
    }

    private static List<String> revisions(KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> h) {
        return h.extractOutputValues().stream().map(c -> c.clicks + "@" + c.revision).collect(Collectors.toList());
    }

    @Test
    void eachFiringOfAWindowGetsTheNextRevisionUntilItsLatenessEnds() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> h = harness(30 * SEC)) {
            h.open();
            h.processElement(firing(1));
            h.processWatermark(new Watermark(END - 1));
            h.processElement(firing(2));
            h.processElement(firing(3));
            h.processWatermark(new Watermark(END - 1 + 30 * SEC - 1));
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.processWatermark(new Watermark(END - 1 + 30 * SEC));

            assertThat(revisions(h)).containsExactly("1@0", "2@1", "3@2");
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /** A count kept for 30 s of lateness, restored with another: it goes at the end of the later of the two. */
    @ParameterizedTest(name = "lateness {0} s")
    @ValueSource(ints = {0, 10, 90})
    void aCountRestoredWithAnotherLatenessGoesAtTheLaterEndAndLeavesNoTimer(int seconds) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> h = harness(30 * SEC)) {
            h.open();
            h.processElement(firing(1));
            h.processWatermark(new Watermark(END - 1));
            snapshot = h.snapshot(1, 0);
        }
        long lateness = seconds * SEC;
        try (KeyedOneInputStreamOperatorTestHarness<String, Conversion, Conversion> h = harness(lateness)) {
            h.initializeState(snapshot);
            h.open();
            long end = END - 1 + Math.max(lateness, 30 * SEC);
            h.processWatermark(new Watermark(end - 1));
            assertThat(h.numKeyedStateEntries()).as("kept until its timer").isEqualTo(1);
            h.processWatermark(new Watermark(end));

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
