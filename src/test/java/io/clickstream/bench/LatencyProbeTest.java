package io.clickstream.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyProbeTest {
    @SuppressWarnings("deprecation")
    private static SinkWriter<Long> writer(LatencyProbe<Long> probe) {
        return probe.createWriter((Sink.InitContext) null);
    }

    @Test
    void theSlowestWindowEndsComeSlowestFirstAndTiesByWindowEnd() {
        Map<Long, Long> byEnd = Map.of(60_000L, 40L, 120_000L, 250L, 180_000L, 40L, 240_000L, 90L);

        assertThat(LatencyProbe.slowest(byEnd, 3))
                .containsExactly(Map.entry(120_000L, 250L), Map.entry(240_000L, 90L), Map.entry(60_000L, 40L));
        assertThat(LatencyProbe.slowest(byEnd, 10)).hasSize(4);
        assertThat(LatencyProbe.slowest(Map.of(), 3)).isEmpty();
    }

    @Test
    void eachWindowEndKeepsItsSlowestResult() throws Exception {
        SinkWriter<Long> writer = writer(new LatencyProbe<>("probe-test", 0, end -> end));
        long now = System.currentTimeMillis();
        writer.write(now - 10_000, null);   // about 10 s late
        writer.write(now - 10_000, null);
        writer.write(now - 1_000, null);    // about 1 s late

        assertThat(LatencyProbe.windowEnds("probe-test")).isEqualTo(2);
        var slowest = LatencyProbe.slowestWindowEnds("probe-test", 1);
        assertThat(slowest).hasSize(1);
        assertThat(slowest.get(0).getKey()).isEqualTo(now - 10_000);
        assertThat(slowest.get(0).getValue()).isBetween(10_000L, 11_000L);
    }

    @Test
    void resultsFallDueTheSameOffsetAfterEachCheckpointOfARun() {
        long minute = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;   // a wall-clock minute
        // Checkpoints every 10 s, 2.3 s past each 10-s mark (two writers a few ms apart); results due 10.9 s past
        // each minute (watermark delay 10 s, start-up 0.9 s), so 8.6 s into each interval: 10.9 - 2.3.
        List<Long> checkpoints = List.of(minute + 2_300, minute + 2_304, minute + 12_300, minute + 62_301);

        assertThat(LatencyProbe.dueAfterCheckpoint(checkpoints, 10_900, 10_000))
                .containsExactly(8_596, 8_599, 8_600, 8_600);   // sorted
        // A checkpoint just after the results fell due: they came a whole interval, less 100 ms, after the one before.
        assertThat(LatencyProbe.dueAfterCheckpoint(List.of(minute + 11_000), 10_900, 10_000)).containsExactly(9_900);
        assertThat(LatencyProbe.dueAfterCheckpoint(List.of(), 10_900, 10_000)).isEmpty();
    }

    @Test
    void aCheckpointReachingTheSinkIsRecordedButTheEndOfInputIsNot() throws Exception {
        SinkWriter<Long> writer = writer(new LatencyProbe<>("probe-checkpoints", 0, end -> end));
        long before = System.currentTimeMillis();
        writer.flush(false);
        writer.flush(true);

        assertThat(LatencyProbe.checkpointMoments("probe-checkpoints")).hasSize(1)
                .allSatisfy(at -> assertThat(at).isBetween(before, System.currentTimeMillis()));
    }

    @Test
    void eachSecondKeepsItsLargestLatencyAcrossWriters() {
        LatencyProbe.PerSecond one = new LatencyProbe.PerSecond();
        LatencyProbe.PerSecond two = new LatencyProbe.PerSecond();
        one.record(100, 40);
        one.record(100, 900);
        one.record(100, 70);
        one.record(102, 5);
        two.record(100, 300);
        two.record(101, 20);
        two.record(102, 60);   // the current second of each writer counts too

        Map<Long, Long> all = new TreeMap<>();
        one.addTo(all);
        two.addTo(all);
        assertThat(all).containsExactly(Map.entry(100L, 900L), Map.entry(101L, 20L), Map.entry(102L, 60L));
    }

    @Test
    void aProbeOfEventTimeMeasuresFromTheLatestEventTimeSeenSoAnEventSentOutOfOrderIsNotLag() throws Exception {
        SinkWriter<Long> writer = writer(new LatencyProbe<>("probe-events", 0, ts -> ts, true));
        long now = System.currentTimeMillis();
        writer.write(now - 2_000, null);   // about 2 s behind
        writer.write(now, null);           // caught up
        writer.write(now - 8_000, null);   // sent 8 s out of order: the frontier is still now

        Latencies all = LatencyProbe.samples("probe-events");
        assertThat(all.count()).isEqualTo(3);
        assertThat(all.max()).isBetween(2_000L, 2_900L);
        assertThat(all.quantile(0.6)).as("the two events at the frontier").isBetween(0L, 900L);
        assertThat(LatencyProbe.windowEnds("probe-events")).isZero();
        assertThat(LatencyProbe.worstPerSecond("probe-events").values()).isNotEmpty()
                .allSatisfy(ms -> assertThat(ms).isBetween(0L, 2_900L))
                .anySatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(2_000L));
    }
}
