package io.clickstream.analytics;

import java.util.Objects;

/**
 * A match of the CEP pattern "click, then a purchase of the same user within the limit": a row of
 * {@code click_to_purchase/}. At most one per purchase (the match skips past its purchase), pairing it with the
 * earliest click still inside the limit (first touch); {@link #purchaseEventId} is its id.
 */
public class ClickToPurchase {
    public String purchaseEventId;
    public String userId;
    public String clickEventId;
    public String clickUrl;
    public long clickTs;
    public long purchaseTs;
    public double spend;
    public long delayMs;

    public ClickToPurchase() {}

    public ClickToPurchase(String purchaseEventId, String userId, String clickEventId, String clickUrl, long clickTs,
                           long purchaseTs, double spend) {
        this.purchaseEventId = purchaseEventId;
        this.userId = userId;
        this.clickEventId = clickEventId;
        this.clickUrl = clickUrl;
        this.clickTs = clickTs;
        this.purchaseTs = purchaseTs;
        this.spend = spend;
        this.delayMs = purchaseTs - clickTs;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClickToPurchase)) return false;
        ClickToPurchase m = (ClickToPurchase) o;
        return clickTs == m.clickTs && purchaseTs == m.purchaseTs && Double.compare(spend, m.spend) == 0
                && delayMs == m.delayMs && Objects.equals(purchaseEventId, m.purchaseEventId)
                && Objects.equals(userId, m.userId) && Objects.equals(clickEventId, m.clickEventId)
                && Objects.equals(clickUrl, m.clickUrl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(purchaseEventId, userId, clickEventId, clickUrl, clickTs, purchaseTs, spend, delayMs);
    }

    @Override
    public String toString() {
        return clickEventId + "->" + purchaseEventId + " delay=" + delayMs;
    }
}
