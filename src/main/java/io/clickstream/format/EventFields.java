package io.clickstream.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.event.ClickEvent;

/**
 * The fields of one event as a producer writes them, before validation: any of them may be absent (null) or
 * out of range, so that encoders can also write the invalid records the generator injects.
 */
public final class EventFields {
    public String eventId;
    public String userId;
    public String sessionId;
    /** The type's wire name; may be one the pipeline does not know. */
    public String type;
    public String url;
    public Long ts;
    public Double spend;
    public String referrer;
    public String userAgent;
    /** Avro v2 only (a field added by a newer producer); the pipeline reads it but does not keep it. */
    public String campaign;

    public static EventFields of(ClickEvent e) {
        EventFields f = new EventFields();
        f.eventId = e.eventId;
        f.userId = e.userId;
        f.sessionId = e.sessionId;
        f.type = e.type == null ? null : e.type.wireName();
        f.url = e.url;
        f.ts = e.ts;
        f.spend = e.spend;
        f.referrer = e.referrer;
        f.userAgent = e.userAgent;
        return f;
    }

    /** The fields of a JSON object whose values have the right JSON types (as the generator writes them). */
    public static EventFields ofJson(JsonNode o) {
        EventFields f = new EventFields();
        f.eventId = text(o, "eventId");
        f.userId = text(o, "userId");
        f.sessionId = text(o, "sessionId");
        f.type = text(o, "type");
        f.url = text(o, "url");
        f.ts = o.hasNonNull("ts") && o.get("ts").isIntegralNumber() ? o.get("ts").longValue() : null;
        f.spend = o.hasNonNull("spend") && o.get("spend").isNumber() ? o.get("spend").doubleValue() : null;
        f.referrer = text(o, "referrer");
        f.userAgent = text(o, "userAgent");
        return f;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
