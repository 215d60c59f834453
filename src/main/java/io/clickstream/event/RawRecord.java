package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One record as it arrived, before parsing: the exact bytes and where they came from.
 * Every source (generator, file, Kinesis) produces these, so validation is the same for all.
 *
 * <p>Immutable, and of a Flink type of its own ({@link RawRecordTypeInfo}): as a POJO, each record was copied on
 * its way from the source to validation in the same task (a new object by reflection and a copy of its bytes,
 * 6 % of all bytes the full pipeline allocated), since Flink copies a mutable record for every chained operator.
 */
@TypeInfo(RawRecordTypeInfo.Factory.class)
public final class RawRecord {
    /** Source kind: generator, file or kinesis. */
    public final String source;
    /** Position within the source, e.g. {@code events.jsonl:17} or {@code shardId-000000000001:4960…}. */
    public final String origin;
    public final byte[] payload;
    /**
     * Set by a file reader when the record's framing is damaged (e.g. a length-delimited file ends inside it):
     * what is wrong. The record is then dead-lettered as UNDECODABLE with this message. Null normally.
     */
    public final String framingError;

    public RawRecord(String source, String origin, byte[] payload) {
        this(source, origin, payload, null);
    }

    public RawRecord(String source, String origin, byte[] payload, String framingError) {
        this.source = source;
        this.origin = origin;
        this.payload = payload;
        this.framingError = framingError;
    }
}
