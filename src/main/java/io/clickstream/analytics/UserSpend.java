package io.clickstream.analytics;

import java.util.Objects;

/** Running spend of one user: an upsert keyed by {@link #userId}; {@link #version} grows with every purchase. */
public class UserSpend {
    public String userId;
    public double totalSpend;
    public long purchases;
    public long lastPurchaseTs;
    /** Orders the updates of one user: keep the highest. */
    public long version;

    public UserSpend() {}

    public UserSpend(String userId, double totalSpend, long purchases, long lastPurchaseTs, long version) {
        this.userId = userId;
        this.totalSpend = totalSpend;
        this.purchases = purchases;
        this.lastPurchaseTs = lastPurchaseTs;
        this.version = version;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserSpend)) return false;
        UserSpend u = (UserSpend) o;
        return Double.compare(totalSpend, u.totalSpend) == 0 && purchases == u.purchases
                && lastPurchaseTs == u.lastPurchaseTs && version == u.version && Objects.equals(userId, u.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, totalSpend, purchases, lastPurchaseTs, version);
    }

    @Override
    public String toString() {
        return userId + " total=" + totalSpend + " purchases=" + purchases + " v" + version;
    }
}
