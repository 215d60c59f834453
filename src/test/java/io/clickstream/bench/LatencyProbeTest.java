package io.clickstream.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyProbeTest {
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
        LatencyProbe<Long> probe = new LatencyProbe<>("probe-test", 0, end -> end);
        @SuppressWarnings("deprecation")
        org.apache.flink.api.connector.sink2.SinkWriter<Long> writer = probe.createWriter((org.apache.flink.api.connector.sink2.Sink.InitContext) null);
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
}
