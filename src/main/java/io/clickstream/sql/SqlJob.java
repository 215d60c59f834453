package io.clickstream.sql;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.ClickEvent;
import io.clickstream.pipeline.ClickstreamJob;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SQL scripts as one Flink job:
 *
 * <pre>
 *   source ─▶ validate ─▶ event time ─▶ dedup ─▶ table clicks ─▶ the scripts' INSERTs ─▶ their sink tables
 *               └─▶ dlq                    └─▶ refined/clicks
 * </pre>
 *
 * With {@code sql.clicks=validated} (the default) the scripts read the table {@code clicks}: the same valid,
 * deduplicated events the DataStream job sees, with the same watermarks ({@code SOURCE_WATERMARK()}), so a bad
 * record is dead-lettered with its reason instead of stopping or skewing the SQL job, and SQL and DataStream give
 * the same answers. With {@code none} the scripts define their own tables (pure SQL, e.g. JSON over Kinesis).
 *
 * <p>Every INSERT of every script goes into one statement set, so the scripts run as one job next to the ingest.
 */
public final class SqlJob {
    /** The table the scripts read. Event time is {@code ts}, a TIMESTAMP_LTZ(3) rowtime attribute. */
    public static final String CLICKS_TABLE = "clicks";

    static final String[] CLICK_COLUMNS = {
        "event_id", "user_id", "session_id", "event_type", "url", "referrer", "user_agent", "spend"
    };
    static final TypeInformation<Row> CLICK_ROW = Types.ROW_NAMED(CLICK_COLUMNS,
            Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.DOUBLE);

    /** "line 3, column 17" in Flink's parser and validator messages, relative to the statement. */
    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'((?:[^']|'')*)'");

    private static final Pattern EXECUTE_STATEMENT_SET = Pattern.compile("^EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN\\s+");

    private final ClickstreamJob ingest;
    private final List<SqlScript> scripts;

    /** {@code ingest} builds the validated, deduplicated stream; null when the scripts read no table {@code clicks}. */
    public SqlJob(ClickstreamJob ingest, List<SqlScript> scripts) {
        this.ingest = ingest;
        this.scripts = scripts;
    }

    /** Loads the scripts named in {@code locations} (files, or scripts in the JAR), with placeholders from {@code config}. */
    public static SqlJob fromConfig(AppConfig config, List<String> locations) {
        config.validate();
        if (locations.isEmpty()) {
            throw new SqlScriptException("no SQL script given; name one or more .sql files, e.g. sql/pageviews_1m.sql");
        }
        List<SqlScript> scripts = locations.stream().map(l -> SqlScript.load(l.trim(), config::text))
                .collect(Collectors.toList());
        // With sql.clicks=none the scripts define their own tables: no source, validation or dedup is built.
        boolean validated = config.string(Settings.SQL_CLICKS).equals("validated");
        return new SqlJob(validated ? ClickstreamJob.fromConfig(config) : null, scripts);
    }

    /** The script locations of a comma-separated {@code sql.scripts} value. */
    public static List<String> locations(String setting) {
        return Arrays.stream(setting.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .collect(Collectors.toList());
    }

    /** Adds the ingest (if the scripts read {@code clicks}) and every script's statements to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        addScripts(env, ingest == null ? null : ingest.build(env, ClickstreamJob.Stage.DEDUP));
    }

    /**
     * Adds the scripts' statements to {@code env}, with {@code events} (timestamps and watermarks assigned) as the
     * table {@code clicks}, or no such table when null. Tests pass scripted events here.
     */
    public void addScripts(StreamExecutionEnvironment env, DataStream<ClickEvent> events) {
        StreamTableEnvironment tables = tableEnvironment(env);
        if (events != null) {
            tables.createTemporaryView(CLICKS_TABLE, clicks(tables, events));
        }
        StreamStatementSet inserts = tables.createStatementSet();
        int count = 0;
        for (SqlScript script : scripts) {
            for (SqlScript.Statement s : script.statements()) {
                count += run(tables, inserts, s);
            }
        }
        if (count == 0) {
            throw new SqlScriptException(scripts.get(0).name() + ": the script has no INSERT INTO statement, so the job "
                    + "would write nothing; add INSERT INTO <sink table> SELECT …");
        }
        inserts.attachAsDataStream();
    }

    /** A table environment on {@code env} as the scripts expect it. */
    public static StreamTableEnvironment tableEnvironment(StreamExecutionEnvironment env) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        // Window bounds (TIMESTAMP(3)) are computed in this zone from the UTC event time: UTC unless a script SETs it.
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        // Stable operator uids from the plan, so a savepoint restores while the scripts' plan stays the same.
        tables.getConfig().set("table.exec.uid.generation", "ALWAYS");
        return tables;
    }

    /** The valid events as the table {@code clicks}: one column per field, the record timestamp as rowtime {@code ts}. */
    public static Table clicks(StreamTableEnvironment tables, DataStream<ClickEvent> events) {
        DataStream<Row> rows = events.map(SqlJob::row).returns(CLICK_ROW)
                .uid("sql-clicks-rows").name("Clicks as rows");
        return tables.fromDataStream(rows, Schema.newBuilder()
                .columnByMetadata("ts", DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                .watermark("ts", "SOURCE_WATERMARK()")
                .build());
    }

    static Row row(ClickEvent e) {
        return Row.of(e.eventId, e.userId, e.sessionId, e.type.wireName(), e.url, e.referrer, e.userAgent, e.spend);
    }

    /** Runs one statement; returns 1 for an INSERT (added to the statement set), else 0. */
    private static int run(StreamTableEnvironment tables, StreamStatementSet inserts, SqlScript.Statement s) {
        String text = s.text;
        String upper = text.toUpperCase(Locale.ROOT);
        // EXECUTE STATEMENT SET BEGIN INSERT …; INSERT …; END; — the script is one statement set anyway.
        Matcher set = EXECUTE_STATEMENT_SET.matcher(upper);
        if (set.find()) {
            text = text.substring(set.end());
            upper = upper.substring(set.end());
        }
        if (upper.matches("(?s)(BEGIN\\s+STATEMENT\\s+SET|END)")) {
            return 0;
        }
        Matcher setting = SET.matcher(text);
        if (setting.matches()) {
            // SET is a SQL-client statement, not one a TableEnvironment executes: applied here to the table config.
            tables.getConfig().getConfiguration().setString(setting.group(1), setting.group(2).replace("''", "'"));
            return 0;
        }
        if (upper.startsWith("SET") || upper.startsWith("RESET")) {
            throw new SqlScriptException(s.where() + ": '" + s.head() + "' is not of the form SET 'key' = 'value' "
                    + "(both quoted), e.g. SET 'table.exec.state.ttl' = '1 h'");
        }
        try {
            if (upper.startsWith("INSERT")) {
                inserts.addInsertSql(text);
                return 1;
            }
            if (upper.startsWith("SELECT") || upper.startsWith("WITH")) {
                throw new SqlScriptException(s.where() + ": '" + s.head() + "' has nowhere to write its rows; a script "
                        + "writes with INSERT INTO <sink table> SELECT …");
            }
            tables.executeSql(text);
            return 0;
        } catch (SqlScriptException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SqlScriptException(s.where() + ": " + s.head() + "\n  " + withScriptLines(message(e), s), e);
        }
    }

    /** The first useful message in the cause chain (the planner wraps the parser's and validator's). */
    private static String message(Throwable e) {
        String best = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && POSITION.matcher(t.getMessage()).find()) {
                best = t.getMessage();
            }
        }
        if (best == null) {
            return e.getClass().getSimpleName();
        }
        // The parser's list of every token it would have accepted is long and rarely helps.
        int expecting = best.indexOf("\nWas expecting");
        return (expecting > 0 ? best.substring(0, expecting) : best).strip();
    }

    /** Adds the script's line to each "line L, column C" of a message about statement {@code s}. */
    static String withScriptLines(String message, SqlScript.Statement s) {
        Matcher m = POSITION.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int scriptLine = s.line + Integer.parseInt(m.group(1)) - 1;
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group() + " (" + s.file + ":" + scriptLine + ")"));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
