package io.clickstream.pipeline;

import io.clickstream.analytics.Analytics;
import io.clickstream.analytics.Alert;
import io.clickstream.analytics.AnalyticsSettings;
import io.clickstream.analytics.JourneySettings;
import io.clickstream.analytics.LateEvent;
import io.clickstream.analytics.Journeys;
import io.clickstream.analytics.UserPartitioning;
import io.clickstream.aws.AlertsToKinesis;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.ClickEvent;
import io.clickstream.event.KeptWatermark;
import io.clickstream.event.RawRecord;
import io.clickstream.metrics.CountRows;
import io.clickstream.quality.DeduplicateEvents;
import io.clickstream.quality.ValidateRecords;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.RawSource;
import io.clickstream.source.Sources;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;


/**
 * The topology, as in the architecture sketch of the README:
 *
 * <pre>
 *   source ─▶ validate ─┬─▶ event time ─▶ dedup(eventId) ─┬─▶ refined/clicks (Parquet)
 *                       │                                 ├─▶ analytics ─▶ pageviews_1m, sessions, alerts,
 *                       │                                 │                user_spend, late
 *                       │                                 └─▶ journeys ──▶ attribution, conversions_5m,
 *                       └─▶ dlq (JSON lines)                               click_to_purchase, alerts, late
 * </pre>
 *
 * Source and sinks are injected: {@link #fromConfig} wires the real ones, tests pass their own.
 */
public final class ClickstreamJob {
    private final AppConfig config;
    private final RawSource source;
    private final OutputSinks sinks;

    public ClickstreamJob(AppConfig config, RawSource source, OutputSinks sinks) {
        this.config = config;
        this.source = source;
        this.sinks = sinks;
    }

    public static ClickstreamJob fromConfig(AppConfig config) {
        config.validate();
        return new ClickstreamJob(config,
                Sources.fromConfig(config, System.currentTimeMillis()),
                OutputSinks.files(config.string(Settings.OUTPUT_PATH), config.string(Settings.PARQUET_COMPRESSION)));
    }

    /**
     * How much of the topology to build: each stage adds to the one before. The benchmark measures the cost of
     * each step this way; everything else builds {@link #ALL}.
     */
    public enum Stage {
        /** The source only, into a discarding sink. */
        SOURCE,
        /** + validation (JSON decode), into a discarding sink, and the dead letters. */
        VALIDATE,
        /** + event time, watermarks and the keyed dedup, into the refined sink. */
        DEDUP,
        /** + the windowed analytics. */
        ANALYTICS,
        /** + the joins and CEP patterns: the whole job. */
        ALL
    }

    /** Adds the pipeline to {@code env}; returns the valid, deduplicated events in event time. */
    public DataStream<ClickEvent> build(StreamExecutionEnvironment env) {
        return build(env, Stage.ALL);
    }

    /** Adds the pipeline up to {@code stage} (inclusive) to {@code env}. */
    public DataStream<ClickEvent> build(StreamExecutionEnvironment env, Stage stage) {
        DataStream<RawRecord> raw = source.create(env);
        if (stage == Stage.SOURCE) {
            raw.sinkTo(new DiscardingSink<>()).uid("discard-raw").name("Discard");
            return null;
        }

        SingleOutputStreamOperator<ClickEvent> valid = validate(raw);
        counted(valid.getSideOutput(ValidateRecords.DEAD_LETTERS), OutputSinks.DLQ)
                .sinkTo(sinks.deadLetters).uid(Operators.DLQ_SINK_UID).name(Operators.DLQ_SINK_NAME)
                .setParallelism(raw.getParallelism());

        if (stage == Stage.VALIDATE) {
            valid.sinkTo(new DiscardingSink<>()).uid("discard-valid").name("Discard");
            return valid;
        }

        DataStream<ClickEvent> timed = source.assignsEventTime() ? valid : withEventTime(valid, raw.getParallelism());
        DataStream<ClickEvent> events = deduplicate(timed);
        if (FaultInjector.configured(config)) {
            events = events.map(FaultInjector.from(config)).uid("fault-injector").name("Injected faults");
        }
        write(events, OutputSinks.REFINED_CLICKS, sinks.refinedClicks, Operators.REFINED_SINK_UID, Operators.REFINED_SINK_NAME);

        if (stage == Stage.DEDUP) {
            return events;
        }

        Analytics.Streams analytics = Analytics.build(events, AnalyticsSettings.from(config),
                UserPartitioning.ALREADY_BY_USER);
        write(analytics.pageviews, OutputSinks.PAGEVIEWS, sinks.pageviews, "pageviews-sink", "pageviews_1m (Parquet)");
        write(analytics.sessions, OutputSinks.SESSIONS, sinks.sessions, "sessions-sink", "sessions (Parquet)");
        write(analytics.userSpend, OutputSinks.USER_SPEND, sinks.userSpend, "user-spend-sink", "user_spend (JSON lines)");
        DataStream<Alert> alerts = analytics.alerts;
        DataStream<LateEvent> late = analytics.late;
        if (stage == Stage.ALL) {
            Journeys.Streams journeys = Journeys.build(events, JourneySettings.from(config),
                    UserPartitioning.ALREADY_BY_USER);
            write(journeys.attribution, OutputSinks.ATTRIBUTION, sinks.attribution, "attribution-sink", "attribution (Parquet)");
            write(journeys.conversions, OutputSinks.CONVERSIONS, sinks.conversions, "conversions-sink", "conversions_5m (Parquet)");
            write(journeys.clickToPurchase, OutputSinks.CLICK_TO_PURCHASE, sinks.clickToPurchase, "click-to-purchase-sink",
                    "click_to_purchase (JSON lines)");
            alerts = alerts.union(journeys.alerts);
            late = late.union(journeys.late);
        }

        alerts = counted(alerts, OutputSinks.ALERTS);
        alerts.sinkTo(sinks.alerts).uid("alerts-sink").name("alerts (JSON lines)");
        if (!config.string(Settings.KINESIS_ALERTS_STREAM).isEmpty()) {
            alerts.sinkTo(AlertsToKinesis.sink(config)).uid("alerts-kinesis-sink")
                    .name("alerts (Kinesis " + config.string(Settings.KINESIS_ALERTS_STREAM) + ")");
        }
        write(late, OutputSinks.LATE, sinks.late, "late-sink", "late (JSON lines)");
        return events;
    }

    /** Writes {@code rows} to an output's sink, counting them on the way. */
    private static <T> void write(DataStream<T> rows, String output, Sink<T> sink, String uid, String name) {
        counted(rows, output).sinkTo(sink).uid(uid).name(name);
    }

    /** Counts the rows an output receives ({@code outputRows.<output>}), chained in front of its sink. */
    private static <T> DataStream<T> counted(DataStream<T> rows, String output) {
        return rows.map(new CountRows<T>(output)).returns(rows.getType())
                .setParallelism(rows.getParallelism())
                .uid("count-rows-" + output.replace('/', '-')).name("Count " + output);
    }

    private SingleOutputStreamOperator<ClickEvent> validate(DataStream<RawRecord> raw) {
        return raw.process(new ValidateRecords(Sources.parser(config)))
                .uid(Operators.VALIDATE_UID).name(Operators.VALIDATE_NAME)
                .setParallelism(raw.getParallelism());
    }

    /**
     * Timestamps and watermarks come after validation: a dead-lettered record never moves event time. Per-event
     * watermarks (replays) keep their maximum in checkpoints; periodic ones (live sources) are Flink's own.
     */
    private DataStream<ClickEvent> withEventTime(DataStream<ClickEvent> valid, int parallelism) {
        SingleOutputStreamOperator<ClickEvent> timed = perEventWatermarks()
                ? valid.transform(Operators.WATERMARKS_NAME, TypeInformation.of(ClickEvent.class),
                        new CheckpointedEventTime(config.duration(Settings.WATERMARK_DELAY)))
                : valid.assignTimestampsAndWatermarks(EventTimeWatermarks.periodic(
                        config.duration(Settings.WATERMARK_DELAY), config.duration(Settings.IDLENESS)));
        return timed.uid(Operators.WATERMARKS_UID).name(Operators.WATERMARKS_NAME).setParallelism(parallelism);
    }

    private DataStream<ClickEvent> deduplicate(DataStream<ClickEvent> events) {
        // Keyed by user, not by eventId: the per-user analyses then chain onto this operator (UserPartitioning).
        // The kept watermark makes them all treat a record after a restore as they did before it.
        return KeptWatermark.keyBy(events, e -> e.userId, Types.STRING, Operators.DEDUP_WATERMARK_UID,
                        Operators.DEDUP_WATERMARK_NAME)
                .transform(Operators.DEDUP_NAME, events.getType(),
                        DeduplicateEvents.operator(config.duration(Settings.DEDUP_HORIZON),
                                config.integer(Settings.CACHED_USERS)))
                .uid(Operators.DEDUP_UID).name(Operators.DEDUP_NAME);
    }

    private boolean perEventWatermarks() {
        String emit = config.string(Settings.WATERMARK_EMIT);
        return emit.equals("per-event") || (emit.equals("auto") && config.replaysFiles());
    }
}
