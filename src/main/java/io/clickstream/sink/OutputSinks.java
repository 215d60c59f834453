package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import io.clickstream.quality.DeadLetter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.DateTimeBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.time.ZoneOffset;

/**
 * The file outputs under one root (a local directory or {@code s3://bucket/prefix}), in the layout
 * query engines expect. Every sink is a two-phase-commit {@link FileSink}: files are written as hidden
 * in-progress files and become visible only when the checkpoint that covers them completes.
 */
public final class OutputSinks {
    public static final String REFINED_CLICKS = "refined/clicks";
    public static final String DLQ = "dlq";

    private OutputSinks() {}

    public static String join(String root, String relative) {
        return root.endsWith("/") ? root + relative : root + "/" + relative;
    }

    /**
     * Valid, deduplicated events as Parquet, by event date and hour. Bulk formats roll on every
     * checkpoint, so the checkpoint interval sets the file size (see docs/configuration.md).
     */
    public static Sink<ClickEvent> refinedClicks(String root, String compression) {
        return FileSink.forBulkFormat(new Path(join(root, REFINED_CLICKS)), new ClickEventParquetWriter(compression))
                .withBucketAssigner(new EventTimeBucketAssigner<ClickEvent>(e -> e.ts))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".parquet").build())
                .build();
    }

    /**
     * Dead letters as JSON lines. A bad record may have no usable event time, so these are bucketed by
     * the hour they were processed.
     */
    public static Sink<DeadLetter> deadLetters(String root) {
        return FileSink.forRowFormat(new Path(join(root, DLQ)), new JsonLineEncoder<DeadLetter>())
                .withBucketAssigner(new DateTimeBucketAssigner<>("'dt='yyyy-MM-dd'/hour='HH", ZoneOffset.UTC))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
    }
}
