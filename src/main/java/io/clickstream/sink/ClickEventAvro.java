package io.clickstream.sink;

import io.clickstream.event.ClickEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The schema of {@code refined/clicks/} rows, and an event as a record of it in Avro's generic model: the row
 * that {@link ClickEventParquet} writes without building it, kept as the reference its test and the writer
 * benchmark compare against.
 */
public final class ClickEventAvro {
    public static final String SCHEMA = "/avro/click_event.avsc";

    private ClickEventAvro() {}

    public static GenericRecord toRecord(ClickEvent e, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("event_id", e.eventId);
        r.put("user_id", e.userId);
        r.put("session_id", e.sessionId);
        r.put("event_type", e.type.wireName());
        r.put("url", e.url);
        r.put("event_time", e.ts);
        r.put("spend", e.spend);
        r.put("referrer", e.referrer);
        r.put("user_agent", e.userAgent);
        return r;
    }
}
