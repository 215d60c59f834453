package io.clickstream.aws;

import io.clickstream.event.RawRecord;
import io.clickstream.quality.EventParser;
import io.clickstream.quality.ParseResult;
import org.apache.flink.streaming.api.functions.AssignerWithPeriodicWatermarks;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Per-shard event time for the Kinesis consumer, which keeps one copy of this assigner per shard and
 * emits the smallest of their watermarks. Only valid events move it: a record that will be dead-lettered
 * keeps the previous timestamp, so it can never make valid events late. (The connector's per-shard API
 * is the legacy assigner interface; the bound is the same as everywhere else: max − delay − 1.)
 */
public class ValidEventTimeAssigner implements AssignerWithPeriodicWatermarks<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final EventParser parser;
    private final long delayMillis;
    private long maxTimestamp = Long.MIN_VALUE;

    public ValidEventTimeAssigner(EventParser parser, long delayMillis) {
        this.parser = parser;
        this.delayMillis = delayMillis;
    }

    @Override
    public long extractTimestamp(RawRecord raw, long previousTimestamp) {
        ParseResult r = parser.parse(raw);
        if (!r.isValid()) {
            return previousTimestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, r.event().ts);
        return r.event().ts;
    }

    @Override
    public Watermark getCurrentWatermark() {
        return maxTimestamp == Long.MIN_VALUE ? null : new Watermark(maxTimestamp - delayMillis - 1);
    }
}
