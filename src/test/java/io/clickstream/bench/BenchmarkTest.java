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
}
