package io.clickstream.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * A validated clickstream event. A Flink POJO (public fields, no-arg constructor), so Flink
 * serializes it with its POJO serializer and never with Kryo. (Java-serializable only so that test
 * sources can carry events in their closure.)
 */
public class ClickEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    public String eventId;
    public String userId;
    /** Optional: producers that do not track sessions leave it out. */
    public String sessionId;
    public EventType type;
    public String url;
    /** Event time, epoch milliseconds UTC. */
    public long ts;
    /** Amount spent; set on purchases, null otherwise. */
    public Double spend;
    public String referrer;
    public String userAgent;

    public ClickEvent() {}

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
