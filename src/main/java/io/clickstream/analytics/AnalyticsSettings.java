package io.clickstream.analytics;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;

import java.io.Serializable;
import java.time.Duration;

/** The analytics' parameters, read once from the configuration. */
public final class AnalyticsSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final Duration allowedLateness;
    public final Duration pageviewsWindow;
    public final double highSpendThreshold;
    public final Duration highSpendWindow;
    public final Duration highSpendSlide;
    public final boolean naiveHighSpend;
    public final Duration sessionGap;
    public final Duration sessionGapAfterPurchase;
    /** Sessions on Flink's session windows (the seed's form) instead of {@link KeyedSessions}. */
    public final boolean sessionWindows;
    public final Duration inactivityTimeout;
    public final boolean inactivityInEventTime;
    public final Duration spendTtl;
    public final int purchaseMilestone;
    /** RocksDB only: the users' values each per-user operator subtask keeps on the heap ({@code CachedValueState}). */
    public final int cachedUsers;

    public AnalyticsSettings(Duration allowedLateness, Duration pageviewsWindow, double highSpendThreshold,
                             Duration highSpendWindow, Duration highSpendSlide, boolean naiveHighSpend,
                             Duration sessionGap, Duration sessionGapAfterPurchase, boolean sessionWindows,
                             Duration inactivityTimeout,
                             boolean inactivityInEventTime, Duration spendTtl, int purchaseMilestone, int cachedUsers) {
        this.allowedLateness = allowedLateness;
        this.pageviewsWindow = pageviewsWindow;
        this.highSpendThreshold = highSpendThreshold;
        this.highSpendWindow = highSpendWindow;
        this.highSpendSlide = highSpendSlide;
        this.naiveHighSpend = naiveHighSpend;
        this.sessionGap = sessionGap;
        this.sessionGapAfterPurchase = sessionGapAfterPurchase;
        this.sessionWindows = sessionWindows;
        this.inactivityTimeout = inactivityTimeout;
        this.inactivityInEventTime = inactivityInEventTime;
        this.spendTtl = spendTtl;
        this.purchaseMilestone = purchaseMilestone;
        this.cachedUsers = cachedUsers;
    }

    public static AnalyticsSettings from(AppConfig c) {
        return new AnalyticsSettings(
                c.duration(Settings.ALLOWED_LATENESS),
                c.duration(Settings.PAGEVIEWS_WINDOW),
                c.number(Settings.HIGH_SPEND_THRESHOLD),
                c.duration(Settings.HIGH_SPEND_WINDOW),
                c.duration(Settings.HIGH_SPEND_SLIDE),
                c.string(Settings.HIGH_SPEND_DETECTOR).equals("naive"),
                c.duration(Settings.SESSION_GAP),
                c.duration(Settings.SESSION_GAP_AFTER_PURCHASE),
                c.string(Settings.SESSIONS_FORM).equals("windows"),
                c.duration(Settings.INACTIVITY_TIMEOUT),
                c.string(Settings.INACTIVITY_CLOCK).equals("event"),
                c.duration(Settings.SPEND_TTL),
                c.integer(Settings.PURCHASE_MILESTONE),
                c.integer(Settings.CACHED_USERS));
    }

    /** The same settings with sessions on Flink's session windows ({@code true}) or {@link KeyedSessions}. */
    public AnalyticsSettings withSessionWindows(boolean windows) {
        return new AnalyticsSettings(allowedLateness, pageviewsWindow, highSpendThreshold, highSpendWindow,
                highSpendSlide, naiveHighSpend, sessionGap, sessionGapAfterPurchase, windows, inactivityTimeout,
                inactivityInEventTime, spendTtl, purchaseMilestone, cachedUsers);
    }

    /** The alert code for inactivity, e.g. {@code inactive-5m}. */
    public String inactivityCode() {
        long minutes = inactivityTimeout.toMinutes();
        return minutes * 60_000 == inactivityTimeout.toMillis() ? "inactive-" + minutes + "m"
                : "inactive-" + inactivityTimeout.toSeconds() + "s";
    }
}
