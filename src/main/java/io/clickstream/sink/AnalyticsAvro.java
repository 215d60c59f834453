package io.clickstream.sink;

import io.clickstream.analytics.PageviewCount;
import io.clickstream.analytics.SessionSummary;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Rows of {@code pageviews_1m/} and {@code sessions/} (schemas under {@code avro/}). */
public final class AnalyticsAvro {
    public static final String PAGEVIEWS_SCHEMA = "/avro/pageview_count.avsc";
    public static final String SESSION_SCHEMA = "/avro/session.avsc";

    private AnalyticsAvro() {}

    public static GenericRecord pageviews(PageviewCount p, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("window_start", p.windowStart);
        r.put("window_end", p.windowEnd);
        r.put("url", p.url);
        r.put("views", p.views);
        r.put("revision", p.revision);
        return r;
    }

    public static GenericRecord session(SessionSummary s, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("session_key", s.sessionKey);
        r.put("user_id", s.userId);
        r.put("session_start", s.start);
        r.put("session_end", s.end);
        r.put("window_end", s.windowEnd);
        r.put("events", s.events);
        r.put("views", s.views);
        r.put("purchases", s.purchases);
        r.put("spend", s.spend);
        r.put("revision", s.revision);
        return r;
    }
}
