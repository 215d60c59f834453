package io.clickstream.analytics;

import java.util.Objects;

/**
 * A user's clicks and purchases in one tumbling event-time window, from the window join of the two streams: a row
 * of {@code conversions_5m/}. Emitted per user and window that has a click or a purchase when the watermark passes
 * the window end, then again for each late event inside the allowed lateness with the next {@link #revision};
 * {@link #conversionId} is {@code user|windowEnd}.
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
    /** 0 for the on-time result; each correction by a late event adds one. The highest revision is the answer. */
    public int revision;

    public Conversion() {}

    /** The on-time result (revision 0). */
    public Conversion(String userId, long windowStart, long windowEnd, long clicks, long purchases, double spend) {
        this(userId, windowStart, windowEnd, clicks, purchases, spend, 0);
    }

    public Conversion(String userId, long windowStart, long windowEnd, long clicks, long purchases, double spend,
                      int revision) {
        this.conversionId = userId + "|" + windowEnd;
        this.userId = userId;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.clicks = clicks;
        this.purchases = purchases;
        this.spend = spend;
        this.converted = clicks > 0 && purchases > 0;
        this.revision = revision;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Conversion)) return false;
        Conversion c = (Conversion) o;
        return windowStart == c.windowStart && windowEnd == c.windowEnd && clicks == c.clicks
                && purchases == c.purchases && Double.compare(spend, c.spend) == 0 && converted == c.converted
                && revision == c.revision && Objects.equals(conversionId, c.conversionId)
                && Objects.equals(userId, c.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conversionId, userId, windowStart, windowEnd, clicks, purchases, spend, converted,
                revision);
    }

    @Override
    public String toString() {
        return userId + " [" + windowStart + "," + windowEnd + ") clicks=" + clicks + " purchases=" + purchases
                + " spend=" + spend + " rev=" + revision;
    }
}
