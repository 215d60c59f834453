package io.clickstream.sql;

import io.clickstream.analytics.HighSpend;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.GeneratorSettings;
import io.clickstream.testing.GeneratedInput;
import io.clickstream.testing.Json;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped SQL scripts and the DataStream job on the same file (disorder, late events, duplicates, bad
 * records) give the same pageviews and high-spend windows. A SQL window aggregate writes each window once, when
 * the watermark passes its end, and drops what comes later; that is the DataStream job with
 * {@code analytics.allowed-lateness=0}. (With lateness the DataStream job also revises windows, and a window that
 * only late events fill gets a first result that SQL never writes.)
 */
class SqlParityTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final long START = Instant.parse("2024-11-25T00:00:00Z").toEpochMilli();

    @Test
    void sqlPageviewsAndHighSpendEqualTheDataStreamResults(@TempDir Path work) throws Exception {
        Path input = work.resolve("events.jsonl");
        Files.write(input, GeneratedInput.lines(new GeneratorSettings(7, 300, START, 5, 0.2, Duration.ofSeconds(8),
                0.05, Duration.ofSeconds(60), Duration.ofSeconds(10), 0.02, 0.01), 20_000));
        // A lower threshold than the default, so that many windows qualify.
        AppConfig streams = Pipelines.fileReplay(input, work.resolve("datastream")).with(Settings.HIGH_SPEND_THRESHOLD, 300)
                .with(Settings.ALLOWED_LATENESS, "0s");
        AppConfig sql = Pipelines.fileReplay(input, work.resolve("sql")).with(Settings.HIGH_SPEND_THRESHOLD, 300);

        Path ds = Pipelines.runToEnd(streams);
        StreamExecutionEnvironment env = Pipelines.environment(sql);
        SqlJob.fromConfig(sql, List.of("sql/pageviews_1m.sql", "sql/high_spend_5m.sql")).build(env);
        env.execute("sql-parity");
        Path out = Path.of(sql.string(Settings.OUTPUT_PATH));

        List<String> dsPageviews = OutputFiles.parquetRows(ds.resolve(OutputSinks.PAGEVIEWS));
        assertThat(OutputFiles.jsonLines(ds.resolve(OutputSinks.LATE)))
                .as("the input has events too late for the windows").hasSizeGreaterThan(100);
        List<String> expectedPageviews = dsPageviews.stream()
                .map(r -> Json.field(r, "url") + " [" + Json.field(r, "window_start") + ", "
                        + Json.field(r, "window_end") + ") " + Json.field(r, "views"))
                .sorted().collect(Collectors.toList());
        List<String> sqlPageviews = OutputFiles.sqlParquetRows(out.resolve("sql/pageviews_1m")).stream()
                .map(r -> r.get("url") + " [" + r.get("window_start") + ", " + r.get("window_end") + ") " + r.get("views"))
                .sorted().collect(Collectors.toList());
        assertThat(expectedPageviews).hasSizeGreaterThan(500);
        assertThat(sqlPageviews).containsExactlyInAnyOrderElementsOf(expectedPageviews);

        List<String> expectedHighSpend = OutputFiles.jsonLines(ds.resolve(OutputSinks.ALERTS)).stream()
                .filter(a -> Json.field(a, "code").equals(HighSpend.CODE))
                .map(a -> Json.field(a, "userId") + " [" + Json.field(a, "windowStart") + ", "
                        + Json.field(a, "windowEnd") + ") " + Double.parseDouble(Json.field(a, "value")))
                .sorted().collect(Collectors.toList());
        List<Map<String, Object>> sqlRows = OutputFiles.sqlParquetRows(out.resolve("sql/high_spend_5m"));
        List<String> sqlHighSpend = sqlRows.stream()
                .map(r -> r.get("user_id") + " [" + r.get("window_start") + ", " + r.get("window_end") + ") "
                        + r.get("total_spend"))
                .sorted().collect(Collectors.toList());
        assertThat(expectedHighSpend).hasSizeGreaterThan(20);
        assertThat(sqlHighSpend).containsExactlyInAnyOrderElementsOf(expectedHighSpend);
        assertThat(sqlRows).allSatisfy(r -> assertThat(r.get("threshold")).isEqualTo(300.0));

        // The SQL job's input went through the same validation: the same dead letters, stored the same way.
        assertThat(OutputFiles.deadLetterPayloads(out.resolve(OutputSinks.DLQ)))
                .hasSizeGreaterThan(100)
                .isEqualTo(OutputFiles.deadLetterPayloads(ds.resolve(OutputSinks.DLQ)));
    }

    @Test
    void pureSqlOverTheRawFileGivesTheSamePageviewsOnCleanInput(@TempDir Path work) throws Exception {
        // Disorder within the watermark delay only: no late, duplicate or bad records, which pure SQL cannot handle.
        Path input = work.resolve("clean.jsonl");
        Files.write(input, GeneratedInput.lines(new GeneratorSettings(3, 300, START, 5, 0.2, Duration.ofSeconds(8),
                0, Duration.ofSeconds(60), Duration.ofSeconds(10), 0, 0), 6_000));
        AppConfig validated = Pipelines.fileReplay(input, work.resolve("validated"));
        AppConfig raw = Pipelines.fileReplay(input, work.resolve("raw")).with(Settings.SQL_CLICKS, "none");

        for (AppConfig config : List.of(validated, raw)) {
            StreamExecutionEnvironment env = Pipelines.environment(config);
            SqlJob.fromConfig(config, List.of(config == raw ? "sql/raw/file_pageviews_1m.sql" : "sql/pageviews_1m.sql"))
                    .build(env);
            env.execute("sql-raw");
        }
        List<String> fromClicks = pageviews(work.resolve("validated/out/sql/pageviews_1m"));
        assertThat(fromClicks).hasSizeGreaterThan(200);
        assertThat(pageviews(work.resolve("raw/out/sql/raw_pageviews_1m"))).containsExactlyElementsOf(fromClicks);
        assertThat(work.resolve("raw/out/" + OutputSinks.DLQ)).as("no ingest ran with sql.clicks=none").doesNotExist();
    }

    private static List<String> pageviews(Path dir) {
        return OutputFiles.sqlParquetRows(dir).stream()
                .map(r -> r.get("url") + " [" + r.get("window_start") + ", " + r.get("window_end") + ") " + r.get("views"))
                .sorted().collect(Collectors.toList());
    }

    @Test
    void theSeedsKinesisTableIsAcceptedByTheKinesisConnector(@TempDir Path work) {
        AppConfig config = Pipelines.fileReplay(work.resolve("unused.jsonl"), work).with(Settings.SQL_CLICKS, "none")
                .with(Settings.KINESIS_STREAM, "clicks").with(Settings.KINESIS_REGION, "eu-west-1");
        StreamExecutionEnvironment env = Pipelines.environment(config);
        // Planning the INSERT creates the connector's source from the DDL's options: a wrong option fails here.
        SqlJob.fromConfig(config, List.of("sql/raw/kinesis_pageviews_1m.sql")).build(env);
        assertThat(env.getStreamGraph().getStreamNodes().stream().map(n -> n.getOperatorName()))
                .anyMatch(name -> name.contains("kinesis_clicks"));
    }
}
