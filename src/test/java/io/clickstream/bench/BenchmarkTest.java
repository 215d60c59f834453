package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkTest {
    @Test
    void rowsNameTheStateBackendTheRunsUse() {
        assertThat(Benchmark.state(AppConfig.defaults())).isEqualTo("heap");
        assertThat(Benchmark.state(AppConfig.defaults().with(Settings.STATE_BACKEND, "rocksdb"))).isEqualTo("RocksDB");
    }

    @Test
    void aLatencyRunKeptUpOnlyIfItsMedianAndItsP99StayedCloseToTheStartUp() {
        assertThat(Benchmark.keptUp(150, 160, 900)).isEqualTo("the pipeline kept up");
        assertThat(Benchmark.keptUp(150, 1_151, 2_000)).startsWith("**the pipeline fell behind this rate**");
        // RocksDB at 40,000 events/s for 300 s: a median under a second, 93 s behind at the end.
        assertThat(Benchmark.keptUp(113, 927, 60_000)).startsWith("**the pipeline fell behind this rate in part of the run**");
        assertThat(Benchmark.keptUp(150, 1_150, 5_150)).isEqualTo("the pipeline kept up");
    }

    @Test
    void overTheRunEachSpanHasItsLargestLagLessTheStartUpAndItsCheckpoints() {
        long started = 1_800_000_000_500L;   // half a second past an epoch second
        TreeMap<Long, Long> lag = new TreeMap<>();
        lag.put(1_800_000_000L, 300L);      // before the start: the first span
        lag.put(1_800_000_005L, 450L);
        lag.put(1_800_000_012L, 9_300L);    // 11.5 s in: the second span
        lag.put(1_800_000_019L, 2_300L);
        lag.put(1_800_000_031L, 400L);      // past the last span (30 s): the last
        List<SharedCluster.Checkpoint> checkpoints = List.of(
                new SharedCluster.Checkpoint(started + 12_000, SharedCluster.Outcome.COMPLETED, 8_250, 7_900, 310, 4, 3L << 30),
                new SharedCluster.Checkpoint(started + 3_000, SharedCluster.Outcome.COMPLETED, 120, 15, 90, 0, 5L << 20),
                new SharedCluster.Checkpoint(started + 22_000, SharedCluster.Outcome.FAILED, 60_000, 0, 0, 0, 0),
                new SharedCluster.Checkpoint(started + 29_000, SharedCluster.Outcome.RUNNING, 700, 100, 0, 0, 0));

        assertThat(Benchmark.overTheRun(started, 10_000, 3, lag, 300, checkpoints)).isEqualTo(
                "| from s | lag at most ms | checkpoints (took; sync / async / alignment; size) |\n"
                + "|---:|---:|---|\n"
                + "| 0 | 150 | took 120 ms (15 / 90 / 0 ms; 5 MiB) |\n"
                + "| 10 | 9,000 | took 8,250 ms (7,900 / 310 / 4 ms; 3,072 MiB) |\n"
                + "| 20 | 100 | **failed**, after 60,000 ms (0 / 0 / 0 ms; 0 MiB); still running at the end, 700 ms (100 / 0 / 0 ms; "
                + "0 MiB) |\n");
        assertThat(Benchmark.overTheRun(started, 10_000, 2, new TreeMap<>(), 0, List.of())).isEqualTo(
                "| from s | lag at most ms | checkpoints (took; sync / async / alignment; size) |\n"
                + "|---:|---:|---|\n"
                + "| 0 | – | – |\n"
                + "| 10 | – | – |\n");
    }
}
