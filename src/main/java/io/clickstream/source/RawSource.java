package io.clickstream.source;

import io.clickstream.event.RawRecord;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Where raw records come from. Injected into the job, so tests swap in a bounded source. */
@FunctionalInterface
public interface RawSource {
    DataStream<RawRecord> create(StreamExecutionEnvironment env);

    /** True when the source assigns timestamps and watermarks itself (Kinesis: per shard). */
    default boolean assignsEventTime() {
        return false;
    }
}
