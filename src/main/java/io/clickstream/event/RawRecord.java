package io.clickstream.event;

/**
 * One record as it arrived, before parsing: the exact bytes and where they came from.
 * Every source (generator, file, Kinesis) produces these, so validation is the same for all.
 */
public class RawRecord {
    /** Source kind: generator, file or kinesis. */
    public String source;
    /** Position within the source, e.g. {@code events.jsonl:17} or {@code shardId-000000000001:4960…}. */
    public String origin;
    public byte[] payload;
    /**
     * Set by a file reader when the record's framing is damaged (e.g. a length-delimited file ends inside it):
     * what is wrong. The record is then dead-lettered as UNDECODABLE with this message. Null normally.
     */
    public String framingError;

    public RawRecord() {}

    public RawRecord(String source, String origin, byte[] payload) {
        this.source = source;
        this.origin = origin;
        this.payload = payload;
    }
}
