package io.clickstream.sink;

import io.clickstream.analytics.Attribution;
import io.clickstream.analytics.Conversion;
import io.clickstream.analytics.PageviewCount;
import io.clickstream.analytics.SessionSummary;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Rows of the Parquet analytics outputs (schemas under {@code avro/}). */
public final class AnalyticsAvro {
    public static final String PAGEVIEWS_SCHEMA = "/avro/pageview_count.avsc";
    public static final String SESSION_SCHEMA = "/avro/session.avsc";
    public static final String ATTRIBUTION_SCHEMA = "/avro/attribution.avsc";
    public static final String CONVERSION_SCHEMA = "/avro/conversion.avsc";

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

    public static GenericRecord attribution(Attribution a, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("purchase_event_id", a.purchaseEventId);
        r.put("user_id", a.userId);
        r.put("purchase_ts", a.purchaseTs);
        r.put("spend", a.spend);
        r.put("click_event_id", a.clickEventId);
        r.put("click_url", a.clickUrl);
        r.put("click_ts", a.clickTs);
        r.put("delay_ms", a.delayMs);
        r.put("candidate_clicks", a.candidateClicks);
        return r;
    }

    public static GenericRecord conversion(Conversion c, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("conversion_id", c.conversionId);
        r.put("user_id", c.userId);
        r.put("window_start", c.windowStart);
        r.put("window_end", c.windowEnd);
        r.put("clicks", c.clicks);
        r.put("purchases", c.purchases);
        r.put("spend", c.spend);
        r.put("converted", c.converted);
        r.put("revision", c.revision);
        return r;
    }
}
