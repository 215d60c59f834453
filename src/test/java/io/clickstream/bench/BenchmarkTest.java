package io.clickstream.bench;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.junit.jupiter.api.Test;

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
}
