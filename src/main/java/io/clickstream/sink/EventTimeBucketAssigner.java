package io.clickstream.sink;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.util.function.SerializableFunction;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Puts each record in the Hive-style folder of its <em>event</em> time, {@code dt=YYYY-MM-DD/hour=HH}
 * (UTC), so a query engine prunes partitions by when things happened, not when they were processed.
 */
public class EventTimeBucketAssigner<T> implements BucketAssigner<T, String> {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    private static final long HOUR = 3_600_000L;

    private final SerializableFunction<T, Long> eventTime;
    /** The last hour formatted: most records fall in the hour of the record before them. */
    private transient long cachedHour = Long.MIN_VALUE;
    private transient String cachedBucket;

    public EventTimeBucketAssigner(SerializableFunction<T, Long> eventTime) {
        this.eventTime = eventTime;
    }

    public static String bucketOf(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    @Override
    public String getBucketId(T element, Context context) {
        long ts = eventTime.apply(element);
        long hour = Math.floorDiv(ts, HOUR);
        if (hour != cachedHour || cachedBucket == null) {
            cachedBucket = bucketOf(ts);
            cachedHour = hour;
        }
        return cachedBucket;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
