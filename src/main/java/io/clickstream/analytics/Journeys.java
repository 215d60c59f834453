package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.PatternStream;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * Joins and patterns across a user's events (seed sections 5 and 6), in event time:
 *
 * <pre>
 *   events ─┬─ clicks ⋈ purchases, interval [-skew, +max delay] ─▶ best click per purchase ─▶ attribution
 *           │    (keyed function, or interval join)
 *           ├─ clicks ⋈ purchases per tumbling 5 min (keyed function, or window co-group) ─▶ conversions_5m
 *           ├─ click → purchase within 10 min (keyed function, or CEP) ───────────────────▶ click_to_purchase
 *           ├─ ≥ 3 purchases in 1 min above threshold (keyed, or CEP) ──▶ RAPID_PURCHASES ─┐
 *           └─ add_to_cart, no purchase within 30 min (keyed, or CEP) ──▶ CART_ABANDONED ──┴▶ alerts
 *   events late for any of them (at or behind its watermark) ────────────────────────────▶ late
 * </pre>
 *
 * <p>The keyed forms are journeys of one operator, {@link UserJourneys}, which reads the user's state once per event
 * for all of them.
 */
public final class Journeys {
    /** The journeys in their keyed forms: one operator ({@link UserJourneys}). */
    public static final String USER_JOURNEYS_UID = "user-journeys";
    public static final String ATTRIBUTION_JOIN_UID = "attribution-join";
    public static final String ATTRIBUTION_CHOICE_UID = "attribution-choose-click";
    public static final String CONVERSIONS_UID = "conversions-window-join";
    public static final String CONVERSION_REVISIONS_UID = "conversions-revisions";
    public static final String CLICK_TO_PURCHASE_CEP_UID = "click-to-purchase-pattern";
    public static final String RAPID_PURCHASES_UID = "rapid-purchases-pattern";
    public static final String CART_ABANDONMENT_CEP_UID = "cart-abandonment-pattern";

    private static final TypeInformation<ClickEvent> EVENT = TypeInformation.of(ClickEvent.class);
    static final OutputTag<ClickEvent> LATE_ATTRIBUTION = new OutputTag<>("late-attribution", EVENT);
    static final OutputTag<ClickEvent> LATE_CONVERSIONS = new OutputTag<>("late-conversions", EVENT);
    static final OutputTag<ClickEvent> LATE_CLICK_TO_PURCHASE = new OutputTag<>("late-click-to-purchase", EVENT);
    static final OutputTag<ClickEvent> LATE_RAPID_PURCHASES = new OutputTag<>("late-rapid-purchases", EVENT);
    static final OutputTag<ClickEvent> LATE_CARTS = new OutputTag<>("late-cart-abandonment", EVENT);

    private Journeys() {}

    /** Every output of the joins and patterns. */
    public static final class Streams {
        public final DataStream<Attribution> attribution;
        public final DataStream<Conversion> conversions;
        public final DataStream<ClickToPurchase> clickToPurchase;
        /** RAPID_PURCHASES and CART_ABANDONED, counted. */
        public final DataStream<Alert> alerts;
        public final DataStream<LateEvent> late;

        Streams(DataStream<Attribution> attribution, DataStream<Conversion> conversions,
                DataStream<ClickToPurchase> clickToPurchase, DataStream<Alert> alerts, DataStream<LateEvent> late) {
            this.attribution = attribution;
            this.conversions = conversions;
            this.clickToPurchase = clickToPurchase;
            this.alerts = alerts;
            this.late = late;
        }
    }

    public static Streams build(DataStream<ClickEvent> events, JourneySettings s) {
        return build(events, s, UserPartitioning.SHUFFLE);
    }

    /** {@code users}: whether {@code events} is already partitioned by user (see {@link UserPartitioning}). */
    public static Streams build(DataStream<ClickEvent> events, JourneySettings s, UserPartitioning users) {
        // The keyed forms share one operator and the user's state; the Flink forms each take their own input.
        KeyedAttribution keyedAttribution = s.attributionWithIntervalJoin ? null : new KeyedAttribution(
                s.attributionClockSkew.toMillis(), s.attributionMaxDelay.toMillis(), LATE_ATTRIBUTION);
        KeyedConversions keyedConversions = s.conversionsWithWindowJoin ? null
                : new KeyedConversions(s.conversionWindow.toMillis(), s.conversionLateness.toMillis(),
                        LATE_CONVERSIONS);
        ClickThenPurchase keyedClickToPurchase = s.clickToPurchaseWithCep ? null
                : new ClickThenPurchase(s.clickToPurchaseWithin.toMillis(), LATE_CLICK_TO_PURCHASE);
        CartAbandonment keyedCarts = s.cartAbandonmentWithCep ? null
                : new CartAbandonment(s.cartAbandonmentTimeout.toMillis(), LATE_CARTS);
        RapidPurchases keyedRapid = s.rapidPurchasesWithCep ? null : new RapidPurchases(s.rapidPurchasesCount,
                s.rapidPurchasesWithin.toMillis(), s.rapidPurchasesThreshold, LATE_RAPID_PURCHASES);
        SingleOutputStreamOperator<Void> keyed = null;
        if (keyedAttribution != null || keyedConversions != null || keyedClickToPurchase != null || keyedCarts != null
                || keyedRapid != null) {
            keyed = users.keyed(slim(events, "journey-events", EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE))
                    .transform("UserJourneys", Types.VOID, new UserJourneys(s.cachedUsers, keyedAttribution,
                            keyedConversions, keyedClickToPurchase, keyedCarts, keyedRapid))
                    .uid(USER_JOURNEYS_UID).name("Journeys per user");
        }
        DataStream<ClickEvent> clicksAndPurchases =
                s.attributionWithIntervalJoin || s.conversionsWithWindowJoin || s.clickToPurchaseWithCep
                        ? slim(events, "clicks-and-purchases", EventType.CLICK, EventType.PURCHASE) : null;

        DataStream<Attribution> attribution;
        DataStream<ClickEvent> lateForAttribution;
        if (s.attributionWithIntervalJoin) {
            SingleOutputStreamOperator<ClickEvent> onTime = clicksAndPurchases
                    .process(OnTime.forEvents(LATE_ATTRIBUTION))
                    .uid("attribution-on-time").name("Attribution: late events out");
            attribution = attributionPairs(
                    only(onTime, "attribution-clicks", EventType.CLICK),
                    only(onTime, "attribution-purchases", EventType.PURCHASE), s, users)
                    .keyBy(a -> a.purchaseEventId)
                    .process(new AttributionJoin.ChooseClick(s.attributionClockSkew.toMillis()))
                    .uid(ATTRIBUTION_CHOICE_UID).name("Attribution: best click per purchase");
            lateForAttribution = onTime.getSideOutput(LATE_ATTRIBUTION);
        } else {
            attribution = keyed.getSideOutput(UserJourneys.ATTRIBUTION);
            lateForAttribution = keyed.getSideOutput(LATE_ATTRIBUTION);
        }

        DataStream<Conversion> conversions;
        DataStream<ClickEvent> lateForConversions;
        if (s.conversionsWithWindowJoin) {
            SingleOutputStreamOperator<ClickEvent> onTime = clicksAndPurchases
                    .process(OnTime.forTumblingWindows(s.conversionWindow.toMillis(), s.conversionLateness.toMillis(),
                            LATE_CONVERSIONS))
                    .uid("conversions-on-time").name("Conversions: late events out");
            conversions = conversions(onTime, s);
            lateForConversions = onTime.getSideOutput(LATE_CONVERSIONS);
        } else {
            conversions = keyed.getSideOutput(UserJourneys.CONVERSIONS);
            lateForConversions = keyed.getSideOutput(LATE_CONVERSIONS);
        }

        DataStream<ClickToPurchase> clickToPurchase;
        DataStream<ClickEvent> lateForClickToPurchase;
        if (s.clickToPurchaseWithCep) {
            SingleOutputStreamOperator<ClickToPurchase> matches = cep(users, users.keyed(clicksAndPurchases),
                    Patterns.clickThenPurchase(s), LATE_CLICK_TO_PURCHASE, new Patterns.EmitClickToPurchase(),
                    ClickToPurchase.class, CLICK_TO_PURCHASE_CEP_UID, "CEP: click then purchase");
            clickToPurchase = matches;
            lateForClickToPurchase = matches.getSideOutput(LATE_CLICK_TO_PURCHASE);
        } else {
            clickToPurchase = keyed.getSideOutput(UserJourneys.CLICK_TO_PURCHASE);
            lateForClickToPurchase = keyed.getSideOutput(LATE_CLICK_TO_PURCHASE);
        }
        DataStream<Alert> rapid;
        DataStream<ClickEvent> lateForRapid;
        if (s.rapidPurchasesWithCep) {
            SingleOutputStreamOperator<Alert> matches = cep(users,
                    users.keyed(slim(events, "rapid-purchases-input", EventType.PURCHASE)), Patterns.rapidPurchases(s),
                    LATE_RAPID_PURCHASES, new Patterns.EmitRapidPurchases(s.rapidPurchasesThreshold), Alert.class,
                    RAPID_PURCHASES_UID, "CEP: rapid purchases");
            rapid = matches;
            lateForRapid = matches.getSideOutput(LATE_RAPID_PURCHASES);
        } else {
            rapid = keyed.getSideOutput(UserJourneys.RAPID_PURCHASES);
            lateForRapid = keyed.getSideOutput(LATE_RAPID_PURCHASES);
        }

        DataStream<Alert> abandoned;
        DataStream<ClickEvent> lateForCarts;
        if (s.cartAbandonmentWithCep) {
            SingleOutputStreamOperator<Alert> timeouts = cep(users,
                    users.keyed(slim(events, "cart-abandonment-input", EventType.ADD_TO_CART, EventType.PURCHASE)),
                    Patterns.cartThenPurchase(s), LATE_CARTS,
                    new Patterns.EmitAbandonedCarts(s.cartAbandonmentTimeout.toMillis()), Alert.class,
                    CART_ABANDONMENT_CEP_UID, "CEP: cart abandonment");
            abandoned = timeouts.getSideOutput(Patterns.EmitAbandonedCarts.ABANDONED);
            lateForCarts = timeouts.getSideOutput(LATE_CARTS);
        } else {
            abandoned = keyed.getSideOutput(UserJourneys.CART_ABANDONED);
            lateForCarts = keyed.getSideOutput(LATE_CARTS);
        }

        DataStream<Alert> alerts = rapid.union(abandoned)
                .map(new Counted.Alerts()).uid("count-pattern-alerts").name("Count pattern alerts");

        long skew = s.attributionClockSkew.toMillis();
        long delay = s.attributionMaxDelay.toMillis();
        long conversionWindow = s.conversionWindow.toMillis();
        DataStream<LateEvent> late = tooLate(lateForAttribution, "late-attribution",
                AttributionJoin.ANALYSIS, e -> e.type == EventType.CLICK
                        ? new long[] {e.ts - skew, e.ts + delay + 1}     // the purchases it could have joined
                        : new long[] {e.ts - delay, e.ts + skew + 1})    // the clicks it could have joined
                .union(tooLate(lateForConversions, "late-conversions",
                        Conversions.ANALYSIS, e -> Analytics.window(e.ts, conversionWindow, conversionWindow)),
                       tooLate(lateForClickToPurchase, "late-click-to-purchase",
                        Patterns.CLICK_TO_PURCHASE, within(s.clickToPurchaseWithin.toMillis())),
                       tooLate(lateForRapid, "late-rapid-purchases",
                        Patterns.RAPID_PURCHASES_ANALYSIS, within(s.rapidPurchasesWithin.toMillis())),
                       tooLate(lateForCarts, "late-cart-abandonment",
                        Patterns.CART_ABANDONMENT_ANALYSIS, within(s.cartAbandonmentTimeout.toMillis())));

        return new Streams(attribution, conversions, clickToPurchase, alerts, late);
    }

    /** Clicks ⋈ purchases of the same user; inputs must be on time ({@link OnTime}), so the join drops nothing. */
    static SingleOutputStreamOperator<Attribution> attributionPairs(DataStream<ClickEvent> clicks,
                                                                    DataStream<ClickEvent> purchases, JourneySettings s,
                                                                    UserPartitioning users) {
        return users.keyed(clicks)
                .intervalJoin(users.keyed(purchases))
                .between(s.attributionClockSkew.negated(), s.attributionMaxDelay)
                .process(new AttributionJoin.Pair(), TypeInformation.of(Attribution.class))
                .uid(ATTRIBUTION_JOIN_UID).name("Attribution: interval join click → purchase");
    }

    static DataStream<Conversion> conversions(DataStream<ClickEvent> onTime, JourneySettings s) {
        DataStream<ClickEvent> clicks = only(onTime, "conversion-clicks", EventType.CLICK);
        DataStream<ClickEvent> purchases = only(onTime, "conversion-purchases", EventType.PURCHASE);
        SingleOutputStreamOperator<Conversion> joined = (SingleOutputStreamOperator<Conversion>) clicks.coGroup(purchases)
                .where(e -> e.userId).equalTo(e -> e.userId)
                .window(TumblingEventTimeWindows.of(s.conversionWindow))
                .allowedLateness(s.conversionLateness)
                .apply(new Conversions.Count(s.conversionWindow.toMillis()), TypeInformation.of(Conversion.class));
        joined.uid(CONVERSIONS_UID).name("Conversions: window join clicks ⋈ purchases per user");
        nameInternalOperators(joined.getTransformation(), CONVERSIONS_UID);
        // The co-group's function is not told how often its window fired: the revisions are numbered after it, in
        // the same task (its output is partitioned by user already).
        return DataStreamUtils.reinterpretAsKeyedStream(joined, c -> c.userId, Types.STRING)
                .process(new Conversions.NumberRevisions(s.conversionLateness.toMillis()))
                .uid(CONVERSION_REVISIONS_UID).name("Conversions: revision per window");
    }

    /** A CEP pattern on {@code input} and its results, chained to its input where that is already by user. */
    private static <T> SingleOutputStreamOperator<T> cep(UserPartitioning users, KeyedStream<ClickEvent, String> input,
                                                         Pattern<ClickEvent, ?> pattern, OutputTag<ClickEvent> late,
                                                         PatternProcessFunction<ClickEvent, T> emit, Class<T> type,
                                                         String uid, String name) {
        SingleOutputStreamOperator<T> results = pattern(input, pattern, late)
                .process(emit, TypeInformation.of(type)).uid(uid).name(name);
        if (users == UserPartitioning.ALREADY_BY_USER) {
            chainToInput(results);
        }
        return results;
    }

    private static PatternStream<ClickEvent> pattern(KeyedStream<ClickEvent, String> input, Pattern<ClickEvent, ?> pattern,
                                                     OutputTag<ClickEvent> late) {
        return CEP.pattern(input, pattern, new Patterns.FunnelOrder())
                .inEventTime()
                .sideOutputLateData(late);
    }

    /**
     * Flink's CEP operator does not ask to be chained, so it would start a task of its own and every event would be
     * serialized to it, although on an input already partitioned by user the edge is a forward one. Chained, it runs
     * in the thread of the operator before it, like any keyed function; its state and timers are its own either way.
     */
    private static void chainToInput(SingleOutputStreamOperator<?> pattern) {
        ((org.apache.flink.streaming.api.transformations.PhysicalTransformation<?>) pattern.getTransformation())
                .setChainingStrategy(org.apache.flink.streaming.api.operators.ChainingStrategy.ALWAYS);
    }

    /**
     * The events of {@code types}, as copies without what no join or pattern reads (session id,
     * referrer, user agent): about half the bytes of an event that crosses a shuffle or waits in state, where the
     * joins and patterns keep events for minutes and every checkpoint writes that state out.
     */
    static DataStream<ClickEvent> slim(DataStream<ClickEvent> events, String uid, EventType... types) {
        return events.flatMap((ClickEvent e, org.apache.flink.util.Collector<ClickEvent> out) -> {
            for (EventType t : types) {
                if (e.type == t) {
                    out.collect(new ClickEvent(e.eventId, e.userId, null, e.type, e.url, e.ts, e.spend, null, null));
                    return;
                }
            }
        }).returns(EVENT).uid(uid).name(uid);
    }

    private static DataStream<ClickEvent> only(DataStream<ClickEvent> events, String uid, EventType... types) {
        return events.filter(e -> {
            for (EventType t : types) {
                if (e.type == t) {
                    return true;
                }
            }
            return false;
        }).uid(uid).name(uid);
    }

    private static DataStream<LateEvent> tooLate(DataStream<ClickEvent> late, String uid, String analysis,
                                                 org.apache.flink.util.function.SerializableFunction<ClickEvent, long[]> missed) {
        return late.map(Counted.TooLate.events(analysis, missed)).uid(uid).name("Too late for " + analysis);
    }

    private static org.apache.flink.util.function.SerializableFunction<ClickEvent, long[]> within(long millis) {
        return e -> new long[] {e.ts, e.ts + millis};
    }

    /**
     * A co-group tags each input with a map of its own before the shared window; those maps get no uid from the
     * API. They hold no state, but every operator of the job has a stable uid, so they are named after their input.
     */
    private static void nameInternalOperators(Transformation<?> join, String prefix) {
        for (Transformation<?> t : join.getTransitivePredecessors()) {
            if (t.getUid() == null && t instanceof org.apache.flink.streaming.api.transformations.OneInputTransformation) {
                String input = t.getInputs().get(0).getUid();
                t.setUid(prefix + "-tag-" + input);
            }
        }
    }
}
