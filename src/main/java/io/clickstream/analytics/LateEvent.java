package io.clickstream.analytics;

import java.util.Objects;

/** An event too late even for the allowed lateness of one analysis, with the window it missed. Written to {@code late/}. */
public class LateEvent {
    /** Which analysis dropped it: pageviews_1m, high_spend_5m or sessions. */
    public String analysis;
    public String eventId;
    public String userId;
    public String type;
    public String url;
    public long ts;
    public long missedWindowStart;
    public long missedWindowEnd;

    public LateEvent() {}

    public LateEvent(String analysis, String eventId, String userId, String type, String url, long ts,
                     long missedWindowStart, long missedWindowEnd) {
        this.analysis = analysis;
        this.eventId = eventId;
        this.userId = userId;
        this.type = type;
        this.url = url;
        this.ts = ts;
        this.missedWindowStart = missedWindowStart;
        this.missedWindowEnd = missedWindowEnd;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LateEvent)) return false;
        LateEvent l = (LateEvent) o;
        return ts == l.ts && missedWindowStart == l.missedWindowStart && missedWindowEnd == l.missedWindowEnd
                && Objects.equals(analysis, l.analysis) && Objects.equals(eventId, l.eventId)
                && Objects.equals(userId, l.userId) && Objects.equals(type, l.type) && Objects.equals(url, l.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(analysis, eventId, userId, type, url, ts, missedWindowStart, missedWindowEnd);
    }

    @Override
    public String toString() {
        return analysis + " missed [" + missedWindowStart + "," + missedWindowEnd + "): " + eventId + "@" + ts;
    }
}
