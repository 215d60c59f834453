package io.clickstream.analytics;

import java.util.Objects;

/**
 * An alert about a user. {@link #alertId} is deterministic (user, code and window end or timer time), so a
 * consumer that sees the same alert again after a restart, or as a revision, can keep the latest per id.
 * (CART_ABANDONED is the exception: its id names the add_to_cart event, as one user may leave several carts.)
 */
public class Alert {
    public String alertId;
    public String code;
    public String userId;
    /** The window the alert is about, or null for alerts without one. */
    public Long windowStart;
    /** End of that window, or the event time at which the condition held. */
    public long windowEnd;
    /** The measured value: total spend, purchase count, or inactive milliseconds. */
    public double value;
    /** The threshold the value was compared with. */
    public double threshold;
    public int revision;
    /** What the alert is about, where the code alone does not say: the abandoned product, the purchases counted. */
    public String detail;

    public Alert() {}

    public Alert(String code, String userId, Long windowStart, long windowEnd, double value, double threshold, int revision) {
        this.alertId = userId + "|" + code + "|" + windowEnd;
        this.code = code;
        this.userId = userId;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.value = value;
        this.threshold = threshold;
        this.revision = revision;
    }

    /** An alert with an id of its own and a detail. */
    public static Alert withId(String alertId, String code, String userId, Long windowStart, long windowEnd,
                               double value, double threshold, String detail) {
        Alert a = new Alert(code, userId, windowStart, windowEnd, value, threshold, 0);
        a.alertId = alertId;
        a.detail = detail;
        return a;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Alert)) return false;
        Alert a = (Alert) o;
        return windowEnd == a.windowEnd && Double.compare(value, a.value) == 0
                && Double.compare(threshold, a.threshold) == 0 && revision == a.revision
                && Objects.equals(alertId, a.alertId) && Objects.equals(code, a.code)
                && Objects.equals(userId, a.userId) && Objects.equals(windowStart, a.windowStart)
                && Objects.equals(detail, a.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alertId, code, userId, windowStart, windowEnd, value, threshold, revision, detail);
    }

    @Override
    public String toString() {
        return alertId + " value=" + value + " rev=" + revision + (windowStart == null ? "" : " from " + windowStart)
                + (detail == null ? "" : " (" + detail + ")");
    }
}
