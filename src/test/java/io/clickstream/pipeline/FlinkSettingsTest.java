package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlinkSettingsTest {
    @Test
    void rocksDbKeepsTimersOnTheHeapUnlessToldOtherwise() {
        AppConfig rocksDb = AppConfig.defaults().with(Settings.STATE_BACKEND, "rocksdb");
        assertThat(FlinkSettings.forJob(rocksDb).get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(PriorityQueueStateType.HEAP);
        assertThat(FlinkSettings.forJob(rocksDb.with(Settings.ROCKSDB_TIMERS, "rocksdb")).get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(PriorityQueueStateType.ROCKSDB);
    }

    @Test
    void anUnknownPlaceForTimersIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.ROCKSDB_TIMERS, "disk").validate())
                .hasMessageContaining("checkpoint.rocksdb-timers")
                .hasMessageContaining("heap")
                .hasMessageContaining("rocksdb");
    }
}
