package io.clickstream.analytics;

import java.util.Objects;

/**
 * One user session: events no further apart than the session gap. {@link #sessionKey} (user and start) is
 * deterministic; a late event that extends or bridges sessions re-emits the merged one with a higher revision.
 */
public class SessionSummary {
    public String sessionKey;
    public String userId;
    /** Event time of the first and last event of the session. */
    public long start;
    public long end;
    /** When the session window closed: last event plus the gap. */
    public long windowEnd;
    public long events;
    public long views;
    public long purchases;
    public double spend;
    public int revision;

    public SessionSummary() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SessionSummary)) return false;
        SessionSummary s = (SessionSummary) o;
        return start == s.start && end == s.end && windowEnd == s.windowEnd && events == s.events
                && views == s.views && purchases == s.purchases && Double.compare(spend, s.spend) == 0
                && revision == s.revision && Objects.equals(sessionKey, s.sessionKey) && Objects.equals(userId, s.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionKey, userId, start, end, windowEnd, events, views, purchases, spend, revision);
    }

    @Override
    public String toString() {
        return userId + " [" + start + ".." + end + "] events=" + events + " views=" + views + " purchases="
                + purchases + " spend=" + spend + " rev=" + revision;
    }
}
