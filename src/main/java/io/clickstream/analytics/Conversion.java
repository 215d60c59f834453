package io.clickstream.analytics;

import java.util.Objects;

/**
 * A user's clicks and purchases in one tumbling event-time window, from the window join of the two streams: a row
 * of {@code conversions_5m/}. Emitted once per user and window that has a click or a purchase, when the watermark
 * passes the window end; {@link #conversionId} is {@code user|windowEnd}.
 */
public class Conversion {
    public String conversionId;
    public String userId;
    public long windowStart;
    public long windowEnd;
    public long clicks;
    public long purchases;
    public double spend;
    /** Both a click and a purchase in the window. */
    public boolean converted;

    public Conversion() {}

    public Conversion(String userId, long windowStart, long windowEnd, long clicks, long purchases, double spend) {
        this.conversionId = userId + "|" + windowEnd;
        this.userId = userId;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.clicks = clicks;
        this.purchases = purchases;
        this.spend = spend;
        this.converted = clicks > 0 && purchases > 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Conversion)) return false;
        Conversion c = (Conversion) o;
        return windowStart == c.windowStart && windowEnd == c.windowEnd && clicks == c.clicks
                && purchases == c.purchases && Double.compare(spend, c.spend) == 0 && converted == c.converted
                && Objects.equals(conversionId, c.conversionId) && Objects.equals(userId, c.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conversionId, userId, windowStart, windowEnd, clicks, purchases, spend, converted);
    }

    @Override
    public String toString() {
        return userId + " [" + windowStart + "," + windowEnd + ") clicks=" + clicks + " purchases=" + purchases
                + " spend=" + spend;
    }
}
