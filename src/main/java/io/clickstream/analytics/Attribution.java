package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;

import java.util.Objects;

/**
 * A purchase and the click it is attributed to: a row of {@code attribution/}. One row per purchase that has at
 * least one click of the same user in its interval; {@link #purchaseEventId} is its id.
 *
 * <p>Which click wins when several match ({@link #preferred}): the last click at or before the purchase (last
 * touch); only when every matching click is stamped after the purchase (clock skew), the earliest of those.
 * Equal times go to the smaller event id, so the answer never depends on arrival order.
 */
public class Attribution {
    public String purchaseEventId;
    public String userId;
    public long purchaseTs;
    public double spend;
    public String clickEventId;
    public String clickUrl;
    public long clickTs;
    /** Purchase time minus click time; negative when the click is stamped after the purchase. */
    public long delayMs;
    /** How many clicks matched the interval; the row names the one that won. */
    public int candidateClicks;

    public Attribution() {}

    public Attribution(String purchaseEventId, String userId, long purchaseTs, double spend, String clickEventId,
                       String clickUrl, long clickTs, int candidateClicks) {
        this.purchaseEventId = purchaseEventId;
        this.userId = userId;
        this.purchaseTs = purchaseTs;
        this.spend = spend;
        this.clickEventId = clickEventId;
        this.clickUrl = clickUrl;
        this.clickTs = clickTs;
        this.delayMs = purchaseTs - clickTs;
        this.candidateClicks = candidateClicks;
    }

    /** One matching pair from the interval join. */
    public static Attribution of(ClickEvent click, ClickEvent purchase) {
        return new Attribution(purchase.eventId, purchase.userId, purchase.ts, purchase.spend == null ? 0 : purchase.spend,
                click.eventId, click.url, click.ts, 1);
    }

    /** The better of two candidates for the same purchase, counting both. */
    public static Attribution preferred(Attribution a, Attribution b) {
        Attribution winner = wins(a, b) ? a : b;
        return new Attribution(winner.purchaseEventId, winner.userId, winner.purchaseTs, winner.spend,
                winner.clickEventId, winner.clickUrl, winner.clickTs, a.candidateClicks + b.candidateClicks);
    }

    private static boolean wins(Attribution a, Attribution b) {
        boolean aBefore = a.delayMs >= 0;
        boolean bBefore = b.delayMs >= 0;
        if (aBefore != bBefore) {
            return aBefore;
        }
        if (a.clickTs != b.clickTs) {
            // Before the purchase the latest click wins; after it (skew) the earliest.
            return aBefore == (a.clickTs > b.clickTs);
        }
        return a.clickEventId.compareTo(b.clickEventId) <= 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attribution)) return false;
        Attribution x = (Attribution) o;
        return purchaseTs == x.purchaseTs && Double.compare(spend, x.spend) == 0 && clickTs == x.clickTs
                && delayMs == x.delayMs && candidateClicks == x.candidateClicks
                && Objects.equals(purchaseEventId, x.purchaseEventId) && Objects.equals(userId, x.userId)
                && Objects.equals(clickEventId, x.clickEventId) && Objects.equals(clickUrl, x.clickUrl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(purchaseEventId, userId, purchaseTs, spend, clickEventId, clickUrl, clickTs, delayMs,
                candidateClicks);
    }

    @Override
    public String toString() {
        return purchaseEventId + "<-" + clickEventId + " delay=" + delayMs + " of " + candidateClicks;
    }
}
