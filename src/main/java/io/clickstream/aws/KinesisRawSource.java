package io.clickstream.aws;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.event.RawRecord;
import io.clickstream.pipeline.Operators;
import io.clickstream.quality.EventParser;
import io.clickstream.source.RawSource;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/**
 * Reads the clicks stream with {@link FlinkKinesisConsumer}: raw bytes with their shard and sequence number
 * as origin, and per-shard watermarks from the valid events (see {@link ValidEventTimeAssigner}).
 */
public final class KinesisRawSource implements RawSource {
    private final AppConfig config;
    private final EventParser parser;

    public KinesisRawSource(AppConfig config, EventParser parser) {
        this.config = config;
        this.parser = parser;
    }

    @Override
    public DataStream<RawRecord> create(StreamExecutionEnvironment env) {
        FlinkKinesisConsumer<RawRecord> consumer = new FlinkKinesisConsumer<>(
                config.string(Settings.KINESIS_STREAM), new RawRecords(), KinesisProperties.consumer(config));
        consumer.setPeriodicWatermarkAssigner(
                new ValidEventTimeAssigner(parser, config.duration(Settings.WATERMARK_DELAY).toMillis()));
        return env.addSource(consumer, "Kinesis " + config.string(Settings.KINESIS_STREAM))
                .uid(Operators.SOURCE_UID + "-kinesis");
    }

    @Override
    public boolean assignsEventTime() {
        return true;
    }

    /** Keeps the record's bytes; the origin says where to find it again. */
    static final class RawRecords implements KinesisDeserializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public RawRecord deserialize(byte[] value, String partitionKey, String seqNum, long arrival, String stream,
                                     String shardId) {
            return new RawRecord("kinesis", stream + "/" + shardId + "/" + seqNum, value);
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return TypeInformation.of(RawRecord.class);
        }
    }
}
