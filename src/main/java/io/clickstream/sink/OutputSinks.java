package io.clickstream.sink;

import io.clickstream.analytics.Alert;
import io.clickstream.analytics.Attribution;
import io.clickstream.analytics.ClickToPurchase;
import io.clickstream.analytics.Conversion;
import io.clickstream.analytics.LateEvent;
import io.clickstream.analytics.PageviewCount;
import io.clickstream.analytics.SessionSummary;
import io.clickstream.analytics.UserSpend;
import io.clickstream.event.ClickEvent;
import io.clickstream.quality.DeadLetter;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.DateTimeBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.function.SerializableFunction;

import java.time.ZoneOffset;

/**
 * Every output of the job, under one root (a local directory or {@code s3://bucket/prefix}), in the layout
 * query engines expect: Hive-style {@code dt=YYYY-MM-DD/hour=HH} folders by event time. Each is a
 * two-phase-commit {@link FileSink}: files are written hidden and become visible when the checkpoint that
 * covers them completes. Bulk formats roll on every checkpoint, so the checkpoint interval sets the file size.
 */
public final class OutputSinks {
    public static final String REFINED_CLICKS = "refined/clicks";
    public static final String DLQ = "dlq";
    public static final String PAGEVIEWS = "pageviews_1m";
    public static final String SESSIONS = "sessions";
    public static final String ALERTS = "alerts";
    public static final String USER_SPEND = "user_spend";
    public static final String LATE = "late";
    public static final String ATTRIBUTION = "attribution";
    public static final String CONVERSIONS = "conversions_5m";
    public static final String CLICK_TO_PURCHASE = "click_to_purchase";

    public final Sink<ClickEvent> refinedClicks;
    public final Sink<DeadLetter> deadLetters;
    public final Sink<PageviewCount> pageviews;
    public final Sink<SessionSummary> sessions;
    public final Sink<Alert> alerts;
    public final Sink<UserSpend> userSpend;
    public final Sink<LateEvent> late;
    public final Sink<Attribution> attribution;
    public final Sink<Conversion> conversions;
    public final Sink<ClickToPurchase> clickToPurchase;

    public OutputSinks(Sink<ClickEvent> refinedClicks, Sink<DeadLetter> deadLetters, Sink<PageviewCount> pageviews,
                       Sink<SessionSummary> sessions, Sink<Alert> alerts, Sink<UserSpend> userSpend, Sink<LateEvent> late,
                       Sink<Attribution> attribution, Sink<Conversion> conversions, Sink<ClickToPurchase> clickToPurchase) {
        this.refinedClicks = refinedClicks;
        this.deadLetters = deadLetters;
        this.pageviews = pageviews;
        this.sessions = sessions;
        this.alerts = alerts;
        this.userSpend = userSpend;
        this.late = late;
        this.attribution = attribution;
        this.conversions = conversions;
        this.clickToPurchase = clickToPurchase;
    }

    /** The file outputs under {@code root}. */
    public static OutputSinks files(String root, String compression) {
        return new OutputSinks(
                parquet(root, REFINED_CLICKS, new ClickEventParquet(compression), e -> e.ts),
                // A bad record may have no usable event time: dead letters go by the hour they were processed.
                rows(root, DLQ, new DateTimeBucketAssigner<>("'dt='yyyy-MM-dd'/hour='HH", ZoneOffset.UTC)),
                parquet(root, PAGEVIEWS, new AvroParquetRows<>(AnalyticsAvro.PAGEVIEWS_SCHEMA, compression, AnalyticsAvro::pageviews), p -> p.windowStart),
                parquet(root, SESSIONS, new AvroParquetRows<>(AnalyticsAvro.SESSION_SCHEMA, compression, AnalyticsAvro::session), s -> s.start),
                rows(root, ALERTS, new EventTimeBucketAssigner<Alert>(a -> a.windowEnd)),
                rows(root, USER_SPEND, new EventTimeBucketAssigner<UserSpend>(u -> u.lastPurchaseTs)),
                rows(root, LATE, new EventTimeBucketAssigner<LateEvent>(l -> l.ts)),
                parquet(root, ATTRIBUTION, new AvroParquetRows<>(AnalyticsAvro.ATTRIBUTION_SCHEMA, compression, AnalyticsAvro::attribution), a -> a.purchaseTs),
                parquet(root, CONVERSIONS, new AvroParquetRows<>(AnalyticsAvro.CONVERSION_SCHEMA, compression, AnalyticsAvro::conversion), c -> c.windowStart),
                rows(root, CLICK_TO_PURCHASE, new EventTimeBucketAssigner<ClickToPurchase>(m -> m.purchaseTs)));
    }

    /** Sinks that drop every row: for measuring the cost of the rest of the job. */
    public static OutputSinks discarding() {
        return new OutputSinks(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                new DiscardingSink<>(), new DiscardingSink<>());
    }

    public static String join(String root, String relative) {
        return root.endsWith("/") ? root + relative : root + "/" + relative;
    }

    private static <T> Sink<T> parquet(String root, String dir, BulkWriter.Factory<T> writer, SerializableFunction<T, Long> eventTime) {
        // Buffered (BufferedPartFile): safe because bulk part files roll on every checkpoint.
        return FileSink.forBulkFormat(new Path(join(root, dir)), BufferedPartFile.factory(writer))
                .withBucketAssigner(new EventTimeBucketAssigner<>(eventTime))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
    }

    /**
     * JSON lines, one object per record. Written as a bulk format, so through the part file's buffer: their part
     * files roll on every checkpoint as a row format's did here, and a row format's encoder has no moment to drain a
     * buffer before Flink closes the file.
     */
    private static <T> Sink<T> rows(String root, String dir, BucketAssigner<T, String> buckets) {
        return FileSink.forBulkFormat(new Path(join(root, dir)), BufferedPartFile.factory(JsonLineEncoder.<T>lines()))
                .withBucketAssigner(buckets)
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
    }
}
