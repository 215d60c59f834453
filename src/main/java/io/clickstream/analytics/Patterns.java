package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CEP patterns over one user's events, in event time. A pattern's {@code within} is exclusive: a partial
 * match is dropped (or, for cart abandonment, reported) as soon as event time reaches its first event's time
 * plus the limit, so the last event of a match is stamped strictly less than that limit after the first.
 */
public final class Patterns {
    public static final String CLICK_TO_PURCHASE = "click_to_purchase";
    public static final String RAPID_PURCHASES = "RAPID_PURCHASES";
    public static final String RAPID_PURCHASES_ANALYSIS = "rapid_purchases";
    public static final String CART_ABANDONED = "CART_ABANDONED";
    public static final String CART_ABANDONMENT_ANALYSIS = "cart_abandonment";

    static final String CLICK = "click";
    static final String PURCHASE = "purchase";
    static final String CART = "cart";
    static final String BUILD_UP = "build-up";
    static final String CROSSING = "crossing";

    private Patterns() {}

    /**
     * The seed's pattern, with relaxed contiguity: a click, then (other events may come between) a purchase. It
     * skips past each match, so a purchase ends at most one match, paired with the earliest click still inside
     * the limit. (The seed's strict {@code next} would need the purchase right after the click, which the
     * click → add_to_cart → purchase funnel never does.)
     */
    public static Pattern<ClickEvent, ?> clickThenPurchase(JourneySettings s) {
        return Pattern.<ClickEvent>begin(CLICK, AfterMatchSkipStrategy.skipPastLastEvent()).where(is(EventType.CLICK))
                .followedBy(PURCHASE).where(is(EventType.PURCHASE))
                .within(s.clickToPurchaseWithin);
    }

    /**
     * Fraud: at least N purchases in a row by one user, within the limit, whose total is above the threshold.
     * N - 1 or more purchases build up, and the next purchase must take the total over the threshold; the
     * earliest such series matches and the pattern skips past it, so a burst raises one alert, not one per
     * overlapping subset.
     */
    public static Pattern<ClickEvent, ?> rapidPurchases(JourneySettings s) {
        return Pattern.<ClickEvent>begin(BUILD_UP, AfterMatchSkipStrategy.skipPastLastEvent()).where(is(EventType.PURCHASE))
                .timesOrMore(s.rapidPurchasesCount - 1).consecutive()
                .next(CROSSING).where(new TotalAbove(s.rapidPurchasesThreshold))
                .within(s.rapidPurchasesWithin);
    }

    /** An add_to_cart followed by a purchase; its timeout (no purchase in time) is the abandonment. */
    public static Pattern<ClickEvent, ?> cartThenPurchase(JourneySettings s) {
        return Pattern.<ClickEvent>begin(CART).where(is(EventType.ADD_TO_CART))
                .followedBy(PURCHASE).where(is(EventType.PURCHASE))
                .within(s.cartAbandonmentTimeout);
    }

    static SimpleCondition<ClickEvent> is(EventType type) {
        return SimpleCondition.of(e -> e.type == type);
    }

    /**
     * Events of one type in the order a pattern sees them: by time, then event id (funnel order for one type). For
     * the keyed forms of the patterns, which keep one type per list.
     */
    static final java.util.Comparator<ClickEvent> BY_TIME_THEN_ID =
            java.util.Comparator.comparingLong((ClickEvent e) -> e.ts).thenComparing(e -> e.eventId);

    /**
     * Events of one user stamped alike go through a pattern in funnel order (view, click, add_to_cart,
     * purchase), then by event id, never in arrival order: replays and restarts give the same matches.
     */
    static final class FunnelOrder implements EventComparator<ClickEvent> {
        @Override
        public int compare(ClickEvent a, ClickEvent b) {
            int byType = Integer.compare(a.type.ordinal(), b.type.ordinal());
            return byType != 0 ? byType : a.eventId.compareTo(b.eventId);
        }
    }

    /** A purchase that takes the build-up's total (in whole cents) above the threshold. */
    static final class TotalAbove extends IterativeCondition<ClickEvent> {
        private final double threshold;

        TotalAbove(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public boolean filter(ClickEvent e, Context<ClickEvent> ctx) throws Exception {
            if (e.type != EventType.PURCHASE) {
                return false;
            }
            long cents = HighSpend.cents(e);
            for (ClickEvent p : ctx.getEventsForPattern(BUILD_UP)) {
                cents += HighSpend.cents(p);
            }
            return HighSpend.above(cents, threshold);
        }
    }

    static final class EmitClickToPurchase extends PatternProcessFunction<ClickEvent, ClickToPurchase> {
        @Override
        public void processMatch(Map<String, List<ClickEvent>> match, Context ctx, Collector<ClickToPurchase> out) {
            ClickEvent click = match.get(CLICK).get(0);
            ClickEvent purchase = match.get(PURCHASE).get(0);
            out.collect(new ClickToPurchase(purchase.eventId, purchase.userId, click.eventId, click.url, click.ts,
                    purchase.ts, purchase.spend == null ? 0 : purchase.spend));
        }
    }

    /** RAPID_PURCHASES: window = first to last purchase, value = their total, id = user|code|last purchase time. */
    static final class EmitRapidPurchases extends PatternProcessFunction<ClickEvent, Alert> {
        private final double threshold;

        EmitRapidPurchases(double threshold) {
            this.threshold = threshold;
        }

        @Override
        public void processMatch(Map<String, List<ClickEvent>> match, Context ctx, Collector<Alert> out) {
            List<ClickEvent> purchases = new ArrayList<>(match.get(BUILD_UP));
            purchases.addAll(match.get(CROSSING));
            long cents = 0;
            for (ClickEvent p : purchases) {
                cents += HighSpend.cents(p);
            }
            ClickEvent first = purchases.get(0);
            ClickEvent last = purchases.get(purchases.size() - 1);
            Alert a = new Alert(RAPID_PURCHASES, first.userId, first.ts, last.ts, cents / 100.0, threshold, 0);
            a.detail = purchases.size() + " purchases";
            out.collect(a);
        }
    }

    /**
     * CART_ABANDONED from the pattern's timeout: window = the add_to_cart's time to its deadline, value = the
     * timeout in milliseconds, detail = the cart URL, id = user|code|add_to_cart event id (a user may leave
     * several carts). A cart followed by a purchase in time is a match and emits nothing.
     */
    static final class EmitAbandonedCarts extends PatternProcessFunction<ClickEvent, Alert>
            implements TimedOutPartialMatchHandler<ClickEvent> {
        static final OutputTag<Alert> ABANDONED = new OutputTag<>("abandoned-carts", org.apache.flink.api.common.typeinfo.TypeInformation.of(Alert.class));
        private final long timeoutMillis;

        EmitAbandonedCarts(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void processMatch(Map<String, List<ClickEvent>> match, Context ctx, Collector<Alert> out) {
            // Bought in time: not an abandonment.
        }

        @Override
        public void processTimedOutMatch(Map<String, List<ClickEvent>> match, Context ctx) {
            ClickEvent cart = match.get(CART).get(0);
            ctx.output(ABANDONED, Alert.withId(cart.userId + "|" + CART_ABANDONED + "|" + cart.eventId, CART_ABANDONED,
                    cart.userId, cart.ts, cart.ts + timeoutMillis, timeoutMillis, timeoutMillis, cart.url));
        }
    }
}
