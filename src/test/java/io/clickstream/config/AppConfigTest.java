package io.clickstream.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {
    private static final String VALID_GROUPS =
            "valid groups: source, generator, kinesis, s3, event-time, pipeline, validation, dedup, analytics, journeys, checkpoint, faults, output, sql, run";

    private static final String MSF_FILE = "["
            + "{\"PropertyGroupId\":\"event-time\",\"PropertyMap\":{\"watermark-delay\":\"5s\"}},"
            + "{\"PropertyGroupId\":\"generator\",\"PropertyMap\":{\"rate\":250,\"disorder-max\":\"2s\","
            + "\"duplicate-fraction\":0.05,\"start\":\"2024-11-25T00:00:00Z\"}},"
            + "{\"PropertyGroupId\":\"s3\",\"PropertyMap\":{\"path-style-access\":true}},"
            + "{\"PropertyGroupId\":\"source\",\"PropertyMap\":{\"type\":\"file\",\"file.path\":\"events.jsonl\"}},"
            + "{\"PropertyGroupId\":\"output\",\"PropertyMap\":{\"path\":\"s3://bucket/prefix\"}}"
            + "]";

    private static Path write(Path dir, String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void defaultsApplyWhenNothingIsSet() {
        AppConfig c = AppConfig.defaults();

        assertThat(c.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.string(Settings.SOURCE_TYPE)).isEqualTo("generator");
        assertThat(c.string(Settings.SOURCE_FILE_PATH)).isEmpty();
        assertThat(c.longValue(Settings.GEN_SEED)).isEqualTo(42L);
        assertThat(c.longValue(Settings.GEN_RATE)).isEqualTo(1000L);
        assertThat(c.integer(Settings.GEN_USERS)).isEqualTo(20000);
        assertThat(c.duration(Settings.GEN_DISORDER_MAX)).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.fraction(Settings.GEN_MALFORMED_FRACTION)).isEqualTo(0.01);
        assertThat(c.integer(Settings.MAX_RECORD_BYTES)).isEqualTo(1_048_576);
        assertThat(c.duration(Settings.MAX_FUTURE)).isEqualTo(Duration.ofHours(1));
        assertThat(c.number(Settings.HIGH_SPEND_THRESHOLD)).isEqualTo(1000.0);
        assertThat(c.bool(Settings.INCREMENTAL)).isTrue();
        assertThat(c.instantMillis(Settings.GEN_START, 123L)).isEqualTo(123L);
        assertThat(c.isNow(Settings.GEN_START)).isTrue();
        assertThat(c.isSet(Settings.WATERMARK_DELAY)).isFalse();
        assertThat(c.isSet(Settings.SOURCE_TYPE)).isFalse();
    }

    @Test
    void theDefaultsPassValidation() {
        assertThatCode(() -> AppConfig.defaults().validate()).doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------- files, property groups and overrides

    @Test
    void aFileOfTheMsfShapeSetsValues(@TempDir Path dir) throws Exception {
        AppConfig c = AppConfig.fromJsonFile(write(dir, "app.json", MSF_FILE));

        assertThat(c.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.longValue(Settings.GEN_RATE)).isEqualTo(250L);
        assertThat(c.duration(Settings.GEN_DISORDER_MAX)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.fraction(Settings.GEN_DUPLICATE_FRACTION)).isEqualTo(0.05);
        assertThat(c.instantMillis(Settings.GEN_START, 0L)).isEqualTo(Instant.parse("2024-11-25T00:00:00Z").toEpochMilli());
        assertThat(c.isNow(Settings.GEN_START)).isFalse();
        assertThat(c.bool(Settings.S3_PATH_STYLE)).isTrue();
        assertThat(c.string(Settings.SOURCE_TYPE)).isEqualTo("file");
        assertThat(c.string(Settings.SOURCE_FILE_PATH)).isEqualTo("events.jsonl");
        assertThat(c.string(Settings.OUTPUT_PATH)).isEqualTo("s3://bucket/prefix");
        assertThat(c.isSet(Settings.WATERMARK_DELAY)).isTrue();
        assertThat(c.isSet(Settings.IDLENESS)).isFalse();
        assertThat(c.duration(Settings.IDLENESS)).isEqualTo(Duration.ofSeconds(30));
        assertThatCode(c::validate).doesNotThrowAnyException();
    }

    @Test
    void anAssignmentOverridesTheFileAndLeavesTheOriginalUnchanged(@TempDir Path dir) throws Exception {
        AppConfig file = AppConfig.fromJsonFile(write(dir, "app.json", MSF_FILE));

        AppConfig changed = file.with("generator.rate=10").with(" event-time.watermark-delay = 7s ");

        assertThat(changed.longValue(Settings.GEN_RATE)).isEqualTo(10L);
        assertThat(changed.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(7));
        assertThat(changed.duration(Settings.GEN_DISORDER_MAX)).isEqualTo(Duration.ofSeconds(2));
        assertThat(file.longValue(Settings.GEN_RATE)).isEqualTo(250L);
        assertThat(file.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void anAssignmentSplitsAtTheFirstEqualsAndTheFirstDot() {
        AppConfig c = AppConfig.defaults().with("source.file.path=data/a=b.jsonl");

        assertThat(c.string(Settings.SOURCE_FILE_PATH)).isEqualTo("data/a=b.jsonl");
        assertThat(c.isSet(Settings.SOURCE_FILE_PATH)).isTrue();
    }

    @Test
    void aSettingCanBeSetByItsConstant() {
        AppConfig c = AppConfig.defaults().with(Settings.PARALLELISM, 4).with(Settings.STATE_BACKEND, "rocksdb");

        assertThat(c.integer(Settings.PARALLELISM)).isEqualTo(4);
        assertThat(c.string(Settings.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void msfPropertyGroupsWorkLikeTheFile(@TempDir Path dir) throws Exception {
        Map<String, Properties> groups = new LinkedHashMap<>();
        groups.put("event-time", props("watermark-delay", "5s"));
        groups.put("generator", props("rate", "250", "disorder-max", "2s", "duplicate-fraction", "0.05",
                "start", "2024-11-25T00:00:00Z"));
        groups.put("s3", props("path-style-access", "true"));
        groups.put("source", props("type", "file", "file.path", "events.jsonl"));
        groups.put("output", props("path", "s3://bucket/prefix"));

        AppConfig fromProperties = AppConfig.fromProperties(groups);
        AppConfig fromFile = AppConfig.fromJsonFile(write(dir, "app.json", MSF_FILE));

        assertThat(fromProperties.toString()).isEqualTo(fromFile.toString());
        assertThat(fromProperties.duration(Settings.WATERMARK_DELAY)).isEqualTo(Duration.ofSeconds(5));
        assertThat(fromProperties.string(Settings.OUTPUT_PATH)).isEqualTo("s3://bucket/prefix");
        assertThat(fromProperties.longValue(Settings.GEN_RATE)).isEqualTo(250L);
        assertThat(fromProperties.isSet(Settings.GEN_RATE)).isTrue();
        assertThat(fromProperties.isSet(Settings.GEN_SEED)).isFalse();
        // Sanity: the comparison above can fail, the defaults render differently.
        assertThat(AppConfig.defaults().toString()).isNotEqualTo(fromFile.toString());
    }

    @Test
    void msfPropertyGroupsAreCheckedLikeTheFile() {
        assertThatThrownBy(() -> AppConfig.fromProperties(Map.of("outputs", props("path", "s3://b/p"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown property group 'outputs' (did you mean 'output'?)");
        assertThatThrownBy(() -> AppConfig.fromProperties(Map.of("output", props("path", "s3://b/p", "compression", "gzip"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown key 'compression' in property group 'output'");
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    // ---------------------------------------------------------------- unknown groups and keys

    @Test
    void anUnknownGroupIsNamedWithASuggestionAndTheValidGroups() {
        assertThatThrownBy(() -> AppConfig.defaults().with("evnt-time.watermark-delay=5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown property group 'evnt-time' (did you mean 'event-time'?); " + VALID_GROUPS);
    }

    @Test
    void anUnknownGroupFarFromEveryValidOneGetsNoSuggestion() {
        assertThatThrownBy(() -> AppConfig.defaults().with("zzzzzzzz.key=1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown property group 'zzzzzzzz'; " + VALID_GROUPS);
    }

    @Test
    void anUnknownKeyIsNamedWithItsGroupASuggestionAndTheValidKeys() {
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.watermark-dealy=5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key 'watermark-dealy' in property group 'event-time' "
                        + "(did you mean 'watermark-delay'?); valid keys: watermark-delay, idleness, watermark-emit, watermark-interval");
    }

    @Test
    void anUnknownKeyFarFromEveryValidOneGetsNoSuggestion() {
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.qqqqqqqqqqqqq=5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key 'qqqqqqqqqqqqq' in property group 'event-time'; "
                        + "valid keys: watermark-delay, idleness, watermark-emit, watermark-interval");
    }

    @Test
    void anUnknownKeyInAFileFailsTheLoad(@TempDir Path dir) throws Exception {
        Path file = write(dir, "app.json",
                "[{\"PropertyGroupId\":\"event-time\",\"PropertyMap\":{\"watermark-dealy\":\"5s\"}}]");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'watermark-dealy' in property group 'event-time'")
                .hasMessageContaining("(did you mean 'watermark-delay'?)");
    }

    // ---------------------------------------------------------------- invalid values

    @Test
    void anInvalidChoiceNamesTheValueTheKeyAndTheChoices() {
        assertThatThrownBy(() -> AppConfig.defaults().with("source.type=s3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid value 's3' for source.type: expected one of generator, file, kinesis");
        assertThatThrownBy(() -> AppConfig.defaults().with("checkpoint.state-backend=memory"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid value 'memory' for checkpoint.state-backend: expected one of hashmap, rocksdb");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "event-time.watermark-delay=soon|invalid value 'soon' for event-time.watermark-delay: expected a duration such as 500ms, 10s, 5min, 1h or 7d",
        "event-time.watermark-delay=-5s|invalid value '-5s' for event-time.watermark-delay: expected a duration",
        "analytics.session-gap=10 parsecs|invalid value '10 parsecs' for analytics.session-gap: expected a duration",
        "run.parallelism=two|invalid value 'two' for run.parallelism: expected a whole number",
        "run.parallelism=3000000000|invalid value '3000000000' for run.parallelism: expected a whole number",
        "generator.seed=1.5|invalid value '1.5' for generator.seed: expected a whole number",
        "analytics.high-spend-threshold=lots|invalid value 'lots' for analytics.high-spend-threshold: expected a number such as 1000 or 99.5",
        "analytics.high-spend-threshold=Infinity|invalid value 'Infinity' for analytics.high-spend-threshold: expected a finite number",
        "generator.late-fraction=1.5|invalid value '1.5' for generator.late-fraction: expected a fraction between 0 and 1",
        "generator.late-fraction=-0.1|invalid value '-0.1' for generator.late-fraction: expected a fraction between 0 and 1",
        "generator.late-fraction=NaN|invalid value 'NaN' for generator.late-fraction: expected a fraction between 0 and 1",
        "generator.late-fraction=half|invalid value 'half' for generator.late-fraction: expected a fraction between 0 and 1",
        "s3.path-style-access=yes|invalid value 'yes' for s3.path-style-access: expected true or false",
        "generator.start=yesterday|invalid value 'yesterday' for generator.start: expected 'now' or an ISO-8601 instant",
        "run.managed-memory=lots|invalid value 'lots' for run.managed-memory: expected a memory size such as 512m or 1g",
        "run.managed-memory=1 parsec|invalid value '1 parsec' for run.managed-memory: expected a memory size such as 512m or 1g",
    })
    void anInvalidValueNamesTheValueTheKeyAndWhatIsExpected(String assignment, String expectedStart) {
        assertThatThrownBy(() -> AppConfig.defaults().with(assignment))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expectedStart);
    }

    @Test
    void anInvalidValueInAFileFailsTheLoad(@TempDir Path dir) throws Exception {
        Path file = write(dir, "app.json",
                "[{\"PropertyGroupId\":\"generator\",\"PropertyMap\":{\"malformed-fraction\":2}}]");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid value '2' for generator.malformed-fraction: expected a fraction between 0 and 1");
    }

    // ---------------------------------------------------------------- malformed assignments

    @Test
    void anAssignmentWithoutEqualsIsRejected() {
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.watermark-delay"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'event-time.watermark-delay' is not of the form group.key=value, e.g. event-time.watermark-delay=5s");
    }

    @Test
    void anAssignmentWithoutANameIsRejected() {
        assertThatThrownBy(() -> AppConfig.defaults().with("=5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("'=5s' is not of the form group.key=value");
    }

    @Test
    void anAssignmentWithoutAGroupIsRejected() {
        assertThatThrownBy(() -> AppConfig.defaults().with("parallelism=2"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'parallelism' does not name a property group: use group.key, e.g. event-time.watermark-delay");
        assertThatThrownBy(() -> AppConfig.defaults().with(".parallelism=2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("'.parallelism' does not name a property group");
    }

    // ---------------------------------------------------------------- validate(): keys checked against each other

    @Test
    void validateRejectsAFileSourceWithoutAPath() {
        AppConfig c = AppConfig.defaults().with(Settings.SOURCE_TYPE, "file");

        assertThatThrownBy(c::validate)
                .isInstanceOf(ConfigException.class)
                .hasMessage("source.type is file but source.file.path is empty: pass --input FILE");
        assertThatCode(() -> c.with("source.file.path=events.jsonl").validate()).doesNotThrowAnyException();
    }

    @Test
    void validateRejectsADisorderMaxThatIsNotBelowTheWatermarkDelay() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.GEN_DISORDER_MAX, "12s").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("generator.disorder-max (PT12S) must be below event-time.watermark-delay (PT10S)");
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.GEN_DISORDER_MAX, "10s").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("generator.disorder-max (PT10S) must be below event-time.watermark-delay (PT10S)");
        assertThatThrownBy(() -> AppConfig.defaults().with("event-time.watermark-delay=8s").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("generator.disorder-max (PT8S) must be below event-time.watermark-delay (PT8S)");
        assertThatCode(() -> AppConfig.defaults().with(Settings.GEN_DISORDER_MAX, "9999ms").validate())
                .doesNotThrowAnyException();
    }

    @Test
    void validateRejectsAHighSpendWindowThatIsNotAMultipleOfItsSlide() {
        assertThatThrownBy(() -> AppConfig.defaults().with(Settings.HIGH_SPEND_SLIDE, "2min").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage("analytics.high-spend-window (PT5M) must be a whole multiple of analytics.high-spend-slide (PT2M)");
    }

    @Test
    void validateRejectsANegativeRocksDbCacheAndTakesZeroAsNoCache() {
        assertThatThrownBy(() -> AppConfig.defaults().with("checkpoint.rocksdb-cached-users=-1").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage("checkpoint.rocksdb-cached-users must be 0 (no cache) or more, got -1");
        assertThatCode(() -> AppConfig.defaults().with("checkpoint.rocksdb-cached-users=0").validate())
                .doesNotThrowAnyException();
    }

    @Test
    void validateRejectsAZeroWindow() {
        assertThatThrownBy(() -> AppConfig.defaults().with("analytics.session-gap=0s").validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage("analytics.session-gap must be positive, got PT0S");
    }

    // ---------------------------------------------------------------- files that are not of the MSF shape

    @Test
    void aFileThatIsNotAnArrayIsRejectedWithTheExpectedShape(@TempDir Path dir) throws Exception {
        Path file = write(dir, "bad.json", "{\"event-time\":{\"watermark-delay\":\"5s\"}}");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + " must hold a JSON array of "
                        + "{\"PropertyGroupId\": ..., \"PropertyMap\": {...}} objects");
    }

    @Test
    void anEmptyFileIsRejectedWithTheExpectedShape(@TempDir Path dir) throws Exception {
        Path file = write(dir, "empty.json", "");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must hold a JSON array of");
    }

    @Test
    void anEntryWithoutAPropertyMapIsRejected(@TempDir Path dir) throws Exception {
        Path file = write(dir, "bad.json", "[{\"PropertyGroupId\":\"event-time\"}]");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("every entry needs a string \"PropertyGroupId\" and an object \"PropertyMap\"")
                .hasMessageContaining("{\"PropertyGroupId\":\"event-time\"}");
    }

    @Test
    void aNestedValueIsRejectedNamingGroupAndKey(@TempDir Path dir) throws Exception {
        Path file = write(dir, "bad.json",
                "[{\"PropertyGroupId\":\"event-time\",\"PropertyMap\":{\"watermark-delay\":{\"s\":5}}}]");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("event-time.watermark-delay must be a string, number or boolean, got {\"s\":5}");
    }

    @Test
    void invalidJsonAndMissingFilesAreRejectedNamingTheFile(@TempDir Path dir) throws Exception {
        Path broken = write(dir, "broken.json", "[{\"PropertyGroupId\":");
        Path missing = dir.resolve("missing.json");

        assertThatThrownBy(() -> AppConfig.fromJsonFile(broken))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read configuration file " + broken + ": ");
        assertThatThrownBy(() -> AppConfig.fromJsonFile(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read configuration file " + missing + ": ");
    }
}
