package io.clickstream.event;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.io.Serializable;
import java.util.Objects;

/**
 * A validated clickstream event, immutable. Flink serializes it with {@link ClickEventSerializer} (named through
 * {@link ClickEventTypeInfo}), never with Kryo; because nothing can change an event, Flink's copies of it between
 * chained operators are the event itself. (Java-serializable only so that test sources can carry events in their
 * closure.)
 */
@TypeInfo(ClickEventTypeInfo.Factory.class)
public final class ClickEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String eventId;
    public final String userId;
    /** Optional: producers that do not track sessions leave it out. */
    public final String sessionId;
    public final EventType type;
    public final String url;
    /** Event time, epoch milliseconds UTC. */
    public final long ts;
    /** Amount spent; set on purchases, null otherwise. */
    public final Double spend;
    public final String referrer;
    public final String userAgent;

    /**
     * An event with no fields. Only for Flink's POJO serializer, which reads state written before
     * {@link ClickEventSerializer} (it creates an empty instance and sets the fields by reflection).
     */
    public ClickEvent() {
        this(null, null, null, null, null, 0L, null, null, null);
    }

    public ClickEvent(String eventId, String userId, String sessionId, EventType type, String url,
                      long ts, Double spend, String referrer, String userAgent) {
        this.eventId = eventId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.type = type;
        this.url = url;
        this.ts = ts;
        this.spend = spend;
        this.referrer = referrer;
        this.userAgent = userAgent;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ClickEvent)) return false;
        ClickEvent e = (ClickEvent) o;
        return ts == e.ts && Objects.equals(eventId, e.eventId) && Objects.equals(userId, e.userId)
                && Objects.equals(sessionId, e.sessionId) && type == e.type && Objects.equals(url, e.url)
                && Objects.equals(spend, e.spend) && Objects.equals(referrer, e.referrer)
                && Objects.equals(userAgent, e.userAgent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, sessionId, type, url, ts, spend, referrer, userAgent);
    }

    @Override
    public String toString() {
        return "ClickEvent{" + eventId + ", user=" + userId + ", " + (type == null ? null : type.wireName())
                + ", url=" + url + ", ts=" + ts + (spend == null ? "" : ", spend=" + spend) + "}";
    }
}
