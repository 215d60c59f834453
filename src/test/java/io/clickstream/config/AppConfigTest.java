package io.clickstream.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {
    @Test
    void defaultsApplyWhenNothingIsSet() {
        AppConfig c = AppConfig.defaults();
        assertThat(c.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.string(Settings.SOURCE_TYPE)).isEqualTo("generator");
        assertThat(c.isSet(Settings.WATERMARK_DELAY)).isFalse();
    }

    @Test
    void aFileOfTheMsfShapeSetsValuesAndSetOverridesThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.json");
        Files.writeString(file, "[{\"PropertyGroupId\":\"event-time\",\"PropertyMap\":{\"watermark-delay\":\"5s\"}},"
                + "{\"PropertyGroupId\":\"generator\",\"PropertyMap\":{\"rate\":250,\"disorder-max\":\"2s\"}}]");

        AppConfig c = AppConfig.fromJsonFile(file);
        assertThat(c.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.longValue(Settings.GEN_RATE)).isEqualTo(250);
        assertThat(c.with("generator.rate=10").longValue(Settings.GEN_RATE)).isEqualTo(10);
    }

    @Test
    void msfPropertyGroupsWorkLikeTheFile() {
        Properties p = new Properties();
        p.setProperty("path", "s3://bucket/prefix");
        AppConfig c = AppConfig.fromProperties(Map.of("output", p));
        assertThat(c.string(Settings.OUTPUT_PATH)).isEqualTo("s3://bucket/prefix");
    }

    @Test
    void anUnknownGroupNamesTheValidGroups() {
        assertThatThrownBy(() -> AppConfig.defaults().with("evnt-time.watermark-delay=5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown property group 'evnt-time' (did you mean 'event-time'?)")
                .hasMessageContaining("valid groups: source, generator, kinesis, s3, event-time, validation, dedup, analytics, checkpoint, faults, output, run");
    }

    @Test
    void anInvalidValueNamesTheKeyTheValueAndWhatIsExpected() {
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.watermark-delay=soon"))
                .hasMessageStartingWith("invalid value 'soon' for event-time.watermark-delay: expected a duration");
        assertThatThrownBy(() -> AppConfig.defaults().with("generator.late-fraction=1.5"))
                .hasMessageStartingWith("invalid value '1.5' for generator.late-fraction: expected a fraction between 0 and 1");
        assertThatThrownBy(() -> AppConfig.defaults().with("checkpoint.state-backend=memory"))
                .hasMessageStartingWith("invalid value 'memory' for checkpoint.state-backend: expected one of hashmap, rocksdb");
        assertThatThrownBy(() -> AppConfig.defaults().with("run.parallelism=two"))
                .hasMessageStartingWith("invalid value 'two' for run.parallelism: expected a whole number");
    }

    @Test
    void anAssignmentWithoutEqualsOrGroupIsRejected() {
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.watermark-delay"))
                .hasMessageContaining("is not of the form group.key=value");
        assertThatThrownBy(() -> AppConfig.defaults().with("parallelism=2"))
                .hasMessageContaining("does not name a property group");
    }

    @Test
    void keysAreCheckedAgainstEachOther() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.SOURCE_TYPE, "file").validate())
                .hasMessage("source.type is file but source.file.path is empty: pass --input FILE");
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.GEN_DISORDER_MAX, "12s").validate())
                .hasMessageStartingWith("generator.disorder-max (PT12S) must be below event-time.watermark-delay (PT10S)");
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.HIGH_SPEND_SLIDE, "2min").validate())
                .hasMessageContaining("must be a whole multiple of analytics.high-spend-slide");
    }

    @Test
    void aFileThatIsNotAnArrayOfGroupsIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"event-time\":{\"watermark-delay\":\"5s\"}}");
        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .hasMessageContaining("must hold a JSON array of {\"PropertyGroupId\": ..., \"PropertyMap\": {...}} objects");
    }
}
