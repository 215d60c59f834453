package io.clickstream.sql;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import io.clickstream.testing.ScriptedEvents;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped SQL scripts on scripted events with explicit watermarks: exact rows at the window edges. */
class SqlGoldenTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    private static final long T0 = 1_732_528_800_000L;  // 2024-11-25T10:00:00Z
    private static final long SEC = 1_000;
    private static final long MIN = 60_000;

    /** Runs {@code scripts} over the scripted events at parallelism 1; returns the output root. */
    private static Path run(Path work, ScriptedEvents events, String... scripts) throws Exception {
        AppConfig config = AppConfig.defaults().with(Settings.OUTPUT_PATH, work.resolve("out").toAbsolutePath());
        List<SqlScript> loaded = java.util.Arrays.stream(scripts).map(s -> SqlScript.load(s, config::text))
                .collect(Collectors.toList());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        env.enableCheckpointing(500);   // the filesystem sink commits its files on checkpoints (and at the end)
        new SqlJob(null, loaded).addScripts(env, events.stream(env));
        env.execute("sql-golden");
        return work.resolve("out");
    }

    private static List<String> rows(Path dir, String... columns) {
        return OutputFiles.sqlParquetRows(dir).stream()
                .map(r -> java.util.Arrays.stream(columns).map(c -> String.valueOf(r.get(c)))
                        .collect(Collectors.joining(" ")))
                .sorted().collect(Collectors.toList());
    }

    @Test
    void pageviewsCountEachViewInTheMinuteThatHoldsItAndDropEventsBehindTheWatermark(@TempDir Path work) throws Exception {
        ScriptedEvents events = ScriptedEvents.script()
                .view("u1", "/a", T0)
                .view("u2", "/a", T0 + MIN - 1)            // the last millisecond of the first minute
                .view("u1", "/a", T0 + MIN)                // the first of the second
                .view("u3", "/b", T0 + 30 * SEC)
                .event("u1", io.clickstream.event.EventType.CLICK, "/a", T0 + 10 * SEC, null)   // not a view
                .watermark(T0 + MIN - 1)                   // the first minute is complete
                .view("u4", "/a", T0 + 20 * SEC)           // behind the watermark: dropped by SQL
                .view("u4", "/a", T0 + MIN + 5 * SEC)
                .watermark(T0 + 2 * MIN);
        Path out = run(work, events, "sql/pageviews_1m.sql");
        assertThat(rows(out.resolve("sql/pageviews_1m"), "url", "window_start", "window_end", "views")).containsExactly(
                "/a " + T0 + " " + (T0 + MIN) + " 2",
                "/a " + (T0 + MIN) + " " + (T0 + 2 * MIN) + " 2",
                "/b " + T0 + " " + (T0 + MIN) + " 1");
        assertThat(Files.isDirectory(out.resolve("sql/pageviews_1m/dt=2024-11-25/hour=10"))).isTrue();
    }

    @Test
    void highSpendIsWrittenForEveryHopWindowWhoseTotalIsAboveTheThreshold(@TempDir Path work) throws Exception {
        ScriptedEvents events = ScriptedEvents.script()
                .purchase("u1", T0 + 10 * SEC, 600.00)
                .purchase("u1", T0 + 4 * MIN, 400.01)     // together 1000.01 only in [T0, T0 + 5 min)
                .purchase("u2", T0 + 10 * SEC, 999.99)
                .purchase("u2", T0 + 20 * SEC, 0.01)       // exactly 1000.00: not above
                .purchase("u3", T0 + 2 * MIN, 1000.50)     // one purchase, in five windows
                .watermark(T0 + 10 * MIN);
        Path out = run(work, events, "sql/high_spend_5m.sql");
        assertThat(rows(out.resolve("sql/high_spend_5m"), "user_id", "window_start", "window_end", "purchases",
                "total_spend", "threshold")).containsExactly(
                "u1 " + T0 + " " + (T0 + 5 * MIN) + " 2 1000.01 1000.0",
                "u3 " + (T0 - 2 * MIN) + " " + (T0 + 3 * MIN) + " 1 1000.5 1000.0",
                "u3 " + (T0 - MIN) + " " + (T0 + 4 * MIN) + " 1 1000.5 1000.0",
                "u3 " + T0 + " " + (T0 + 5 * MIN) + " 1 1000.5 1000.0",
                "u3 " + (T0 + MIN) + " " + (T0 + 6 * MIN) + " 1 1000.5 1000.0",
                "u3 " + (T0 + 2 * MIN) + " " + (T0 + 7 * MIN) + " 1 1000.5 1000.0");
    }

    @Test
    void aSessionEndsWhenMoreThanTenMinutesPassWithoutAnEvent(@TempDir Path work) throws Exception {
        ScriptedEvents events = ScriptedEvents.script()
                .view("u1", "/a", T0)
                .view("u1", "/b", T0 + 10 * MIN)           // exactly the gap: the windows touch, and Flink merges them
                .purchase("u1", T0 + 12 * MIN, 25.5)
                .view("u1", "/c", T0 + 22 * MIN + 1)       // 1 ms more than the gap after the purchase: a new session
                .view("u2", "/a", T0 + MIN)
                .watermark(T0 + 60 * MIN);
        Path out = run(work, events, "sql/sessions.sql");
        assertThat(rows(out.resolve("sql/sessions"), "user_id", "window_start", "window_end", "events", "views",
                "purchases", "spend")).containsExactly(
                "u1 " + T0 + " " + (T0 + 22 * MIN) + " 3 2 1 25.5",
                "u1 " + (T0 + 22 * MIN + 1) + " " + (T0 + 32 * MIN + 1) + " 1 1 0 0.0",
                "u2 " + (T0 + MIN) + " " + (T0 + 11 * MIN) + " 1 1 0 0.0");
    }

    @Test
    void scriptsRunTogetherAsOneJobWithSetAndAStatementSet(@TempDir Path work) throws Exception {
        Path script = work.resolve("two.sql");
        Files.writeString(script, "SET 'table.exec.sink.not-null-enforcer' = 'ERROR';\n"
                + "CREATE TEMPORARY VIEW views_only AS SELECT * FROM clicks WHERE event_type = 'view';\n"
                + "CREATE TABLE per_user (user_id STRING, n BIGINT, dt STRING) PARTITIONED BY (dt) WITH (\n"
                + "  'connector' = 'filesystem', 'path' = '${output.path}/per_user', 'format' = 'parquet');\n"
                + "CREATE TABLE per_url (url STRING, n BIGINT, dt STRING) PARTITIONED BY (dt) WITH (\n"
                + "  'connector' = 'filesystem', 'path' = '${output.path}/per_url', 'format' = 'parquet');\n"
                + "EXECUTE STATEMENT SET BEGIN\n"
                + "INSERT INTO per_user SELECT user_id, COUNT(*), 'x' FROM TABLE(TUMBLE(TABLE views_only, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY user_id, window_start, window_end;\n"
                + "INSERT INTO per_url SELECT url, COUNT(*), 'x' FROM TABLE(TUMBLE(TABLE views_only, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY url, window_start, window_end;\n"
                + "END;\n");
        ScriptedEvents events = ScriptedEvents.script()
                .view("u1", "/a", T0).view("u1", "/b", T0 + SEC).view("u2", "/a", T0 + 2 * SEC)
                .purchase("u2", T0 + 3 * SEC, 10.0)
                .watermark(T0 + 2 * 60 * MIN);
        Path out = run(work, events, script.toString(), "sql/pageviews_1m.sql");
        assertThat(rows(out.resolve("per_user"), "user_id", "n")).containsExactly("u1 2", "u2 1");
        assertThat(rows(out.resolve("per_url"), "url", "n")).containsExactly("/a 2", "/b 1");
        assertThat(rows(out.resolve("sql/pageviews_1m"), "url", "views")).containsExactly("/a 2", "/b 1");
    }

    @Test
    void anErrorNamesTheScriptAndLineOfTheBadStatement(@TempDir Path work) throws Exception {
        Path script = work.resolve("bad.sql");
        Files.writeString(script, "-- pageviews, with a typo\n"
                + "CREATE TABLE out_t (url STRING, n BIGINT) WITH ('connector' = 'blackhole');\n"
                + "\n"
                + "INSERT INTO out_t\n"
                + "SELECT url, COUNT(*)\n"
                + "FROM clicks WHERE event_typ = 'view'\n"
                + "GROUP BY url;\n");
        assertThatThrownBy(() -> run(work, ScriptedEvents.script(), script.toString()))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageStartingWith(script + ":4: INSERT INTO out_t SELECT url, COUNT(*) FROM clicks WHERE")
                .hasMessageContaining("Column 'event_typ' not found in any table")
                .hasMessageContaining("line 3, column 19 (" + script + ":6)");

        Files.writeString(script, "CREATE TABLE out_t (url STRING) WITH ('connector' = 'blackhole');\n"
                + "INSERT INTO out_t\nSELECT url FROM clicks WHERE url = = 'x';\n");
        assertThatThrownBy(() -> run(work, ScriptedEvents.script(), script.toString()))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageStartingWith(script + ":2: INSERT INTO out_t SELECT url FROM clicks WHERE url = = 'x'")
                .hasMessageContaining("Encountered \"= =\" at line 2, column 34 (" + script + ":3)")
                .hasMessageNotContaining("Was expecting");

        Files.writeString(script, "CREATE TABLE out_t (url STRING) WITH ('connector' = 'blackhole');\nSELECT url FROM clicks;\n");
        assertThatThrownBy(() -> run(work, ScriptedEvents.script(), script.toString()))
                .isInstanceOf(SqlScriptException.class)
                .hasMessage(script + ":2: 'SELECT url FROM clicks' has nowhere to write its rows; a script writes with "
                        + "INSERT INTO <sink table> SELECT …");
    }

    @Test
    void aScriptWithoutInsertIsRefused(@TempDir Path work) throws Exception {
        Path script = work.resolve("ddl-only.sql");
        Files.writeString(script, "CREATE TABLE out_t (url STRING) WITH ('connector' = 'blackhole');\n");
        assertThatThrownBy(() -> run(work, ScriptedEvents.script(), script.toString()))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("the script has no INSERT INTO statement");
    }
}
