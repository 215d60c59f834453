package io.clickstream.analytics;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;

import java.io.Serializable;
import java.time.Duration;

/**
 * Parameters of the joins and patterns across a user's events, read once from the {@code journeys} group (and the
 * allowed lateness of windows from {@code analytics}).
 */
public final class JourneySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A purchase may come this long after the click it is attributed to (interval join upper bound). */
    public final Duration attributionMaxDelay;
    /** A click may be stamped this long after the purchase and still count (interval join lower bound, negated). */
    public final Duration attributionClockSkew;
    /** Attribution with Flink's interval join (the seed's form) instead of {@link KeyedAttribution}. */
    public final boolean attributionWithIntervalJoin;
    public final Duration conversionWindow;
    /** Conversions with Flink's window co-group (the seed's form) instead of {@link KeyedConversions}. */
    public final boolean conversionsWithWindowJoin;
    /**
     * After a conversion window fired, its late events this late still update it, each with a revision
     * ({@code analytics.allowed-lateness}).
     */
    public final Duration conversionLateness;
    public final Duration clickToPurchaseWithin;
    /** Click → purchase with Flink CEP (the seed's form) instead of {@link ClickThenPurchase}. */
    public final boolean clickToPurchaseWithCep;
    public final int rapidPurchasesCount;
    public final Duration rapidPurchasesWithin;
    public final double rapidPurchasesThreshold;
    /** Rapid purchases with Flink CEP (the seed's form) instead of {@link RapidPurchases}. */
    public final boolean rapidPurchasesWithCep;
    public final Duration cartAbandonmentTimeout;
    /** Cart abandonment with Flink CEP (the seed's form) instead of {@link CartAbandonment}. */
    public final boolean cartAbandonmentWithCep;
    /** RocksDB only: the users' values the journeys' operator subtask keeps on the heap ({@code CachedValueState}). */
    public final int cachedUsers;

    public JourneySettings(Duration attributionMaxDelay, Duration attributionClockSkew, boolean attributionWithIntervalJoin,
                           Duration conversionWindow, boolean conversionsWithWindowJoin, Duration conversionLateness,
                           Duration clickToPurchaseWithin, boolean clickToPurchaseWithCep, int rapidPurchasesCount,
                           Duration rapidPurchasesWithin, double rapidPurchasesThreshold, boolean rapidPurchasesWithCep,
                           Duration cartAbandonmentTimeout, boolean cartAbandonmentWithCep, int cachedUsers) {
        this.attributionMaxDelay = attributionMaxDelay;
        this.attributionClockSkew = attributionClockSkew;
        this.attributionWithIntervalJoin = attributionWithIntervalJoin;
        this.conversionWindow = conversionWindow;
        this.conversionsWithWindowJoin = conversionsWithWindowJoin;
        this.conversionLateness = conversionLateness;
        this.clickToPurchaseWithin = clickToPurchaseWithin;
        this.clickToPurchaseWithCep = clickToPurchaseWithCep;
        this.rapidPurchasesCount = rapidPurchasesCount;
        this.rapidPurchasesWithin = rapidPurchasesWithin;
        this.rapidPurchasesThreshold = rapidPurchasesThreshold;
        this.rapidPurchasesWithCep = rapidPurchasesWithCep;
        this.cartAbandonmentTimeout = cartAbandonmentTimeout;
        this.cartAbandonmentWithCep = cartAbandonmentWithCep;
        this.cachedUsers = cachedUsers;
    }

    /** The same settings with click → purchase, rapid purchases and cart abandonment as CEP patterns ({@code true}) or keyed functions. */
    public JourneySettings withCepPatterns(boolean cep) {
        return new JourneySettings(attributionMaxDelay, attributionClockSkew, attributionWithIntervalJoin, conversionWindow,
                conversionsWithWindowJoin, conversionLateness, clickToPurchaseWithin, cep, rapidPurchasesCount,
                rapidPurchasesWithin, rapidPurchasesThreshold, cep, cartAbandonmentTimeout, cep, cachedUsers);
    }

    /** The same settings with attribution and conversions as Flink's joins ({@code true}) or keyed functions. */
    public JourneySettings withFlinkJoins(boolean joins) {
        return new JourneySettings(attributionMaxDelay, attributionClockSkew, joins, conversionWindow, joins,
                conversionLateness, clickToPurchaseWithin, clickToPurchaseWithCep, rapidPurchasesCount,
                rapidPurchasesWithin, rapidPurchasesThreshold, rapidPurchasesWithCep, cartAbandonmentTimeout,
                cartAbandonmentWithCep, cachedUsers);
    }

    /** The same settings with another allowed lateness for conversions. */
    public JourneySettings withConversionLateness(Duration lateness) {
        return new JourneySettings(attributionMaxDelay, attributionClockSkew, attributionWithIntervalJoin,
                conversionWindow, conversionsWithWindowJoin, lateness, clickToPurchaseWithin, clickToPurchaseWithCep, rapidPurchasesCount,
                rapidPurchasesWithin, rapidPurchasesThreshold, rapidPurchasesWithCep, cartAbandonmentTimeout,
                cartAbandonmentWithCep, cachedUsers);
    }

    public static JourneySettings from(AppConfig c) {
        return new JourneySettings(
                c.duration(Settings.ATTRIBUTION_MAX_DELAY),
                c.duration(Settings.ATTRIBUTION_CLOCK_SKEW),
                c.string(Settings.ATTRIBUTION_FORM).equals("interval-join"),
                c.duration(Settings.CONVERSION_WINDOW),
                c.string(Settings.CONVERSIONS_FORM).equals("window-join"),
                c.duration(Settings.ALLOWED_LATENESS),
                c.duration(Settings.CLICK_TO_PURCHASE_WITHIN),
                c.string(Settings.CLICK_TO_PURCHASE_FORM).equals("cep"),
                c.integer(Settings.RAPID_PURCHASES_COUNT),
                c.duration(Settings.RAPID_PURCHASES_WITHIN),
                c.number(Settings.RAPID_PURCHASES_THRESHOLD),
                c.string(Settings.RAPID_PURCHASES_FORM).equals("cep"),
                c.duration(Settings.CART_ABANDONMENT_TIMEOUT),
                c.string(Settings.CART_ABANDONMENT_FORM).equals("cep"),
                c.integer(Settings.CACHED_USERS));
    }
}
