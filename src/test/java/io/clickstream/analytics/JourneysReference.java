package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The joins and patterns computed directly, by brute force over a whole (on-time) data set, as the documented
 * rules state them: an independent reference for the Flink results. Each method returns sorted strings.
 */
final class JourneysReference {
    /** The order in which CEP sees one user's events: time, then funnel order, then event id. */
    static final Comparator<ClickEvent> ORDER = Comparator.comparingLong((ClickEvent e) -> e.ts)
            .thenComparing(e -> e.type.ordinal()).thenComparing(e -> e.eventId);

    private final Map<String, List<ClickEvent>> byUser;
    private final JourneySettings s;

    JourneysReference(List<ClickEvent> events, JourneySettings s) {
        this.s = s;
        this.byUser = events.stream().sorted(ORDER)
                .collect(Collectors.groupingBy(e -> e.userId, TreeMap::new, Collectors.toList()));
    }

    /** "purchase<-click delay=… of n" per purchase with a click in [purchase - max delay, purchase + skew]. */
    List<String> attribution() {
        List<String> out = new ArrayList<>();
        long delay = s.attributionMaxDelay.toMillis();
        long skew = s.attributionClockSkew.toMillis();
        for (List<ClickEvent> events : byUser.values()) {
            for (ClickEvent p : only(events, EventType.PURCHASE)) {
                ClickEvent best = null;
                int candidates = 0;
                for (ClickEvent c : only(events, EventType.CLICK)) {
                    if (c.ts < p.ts - delay || c.ts > p.ts + skew) {
                        continue;
                    }
                    candidates++;
                    if (best == null || better(c, best, p.ts)) {
                        best = c;
                    }
                }
                if (best != null) {
                    out.add(p.eventId + "<-" + best.eventId + " delay=" + (p.ts - best.ts) + " of " + candidates);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean better(ClickEvent c, ClickEvent best, long purchaseTs) {
        boolean cBefore = c.ts <= purchaseTs;
        boolean bestBefore = best.ts <= purchaseTs;
        if (cBefore != bestBefore) return cBefore;
        if (c.ts != best.ts) return cBefore == (c.ts > best.ts);
        return c.eventId.compareTo(best.eventId) < 0;
    }

    /** "user|windowEnd clicks=… purchases=… cents=…" per user and tumbling window with a click or purchase. */
    List<String> conversions() {
        long size = s.conversionWindow.toMillis();
        TreeMap<String, long[]> windows = new TreeMap<>();
        for (List<ClickEvent> events : byUser.values()) {
            for (ClickEvent e : events) {
                if (e.type != EventType.CLICK && e.type != EventType.PURCHASE) continue;
                long end = Math.floorDiv(e.ts, size) * size + size;
                long[] w = windows.computeIfAbsent(e.userId + "|" + end, k -> new long[3]);
                if (e.type == EventType.CLICK) {
                    w[0]++;
                } else {
                    w[1]++;
                    w[2] += HighSpend.cents(e);
                }
            }
        }
        List<String> out = new ArrayList<>();
        windows.forEach((id, w) -> out.add(id + " clicks=" + w[0] + " purchases=" + w[1] + " cents=" + w[2]));
        out.sort(null);
        return out;
    }

    /** "click->purchase": each purchase takes the earliest pending click less than the limit before it. */
    List<String> clickToPurchase() {
        long within = s.clickToPurchaseWithin.toMillis();
        List<String> out = new ArrayList<>();
        for (List<ClickEvent> events : byUser.values()) {
            List<ClickEvent> pending = new ArrayList<>();
            for (ClickEvent e : events) {
                if (e.type == EventType.CLICK) {
                    pending.add(e);
                } else if (e.type == EventType.PURCHASE) {
                    pending.removeIf(c -> e.ts - c.ts >= within);
                    if (!pending.isEmpty()) {
                        out.add(pending.get(0).eventId + "->" + e.eventId);
                        pending.clear();
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Alert ids of RAPID_PURCHASES: the earliest-ending series, then the earliest start; no overlap. */
    List<String> rapidPurchases() {
        long within = s.rapidPurchasesWithin.toMillis();
        List<String> out = new ArrayList<>();
        for (List<ClickEvent> events : byUser.values()) {
            List<ClickEvent> purchases = only(events, EventType.PURCHASE);
            int from = 0;
            for (int j = 0; j < purchases.size(); j++) {
                for (int start = from; start <= j - s.rapidPurchasesCount + 1; start++) {
                    if (purchases.get(j).ts - purchases.get(start).ts >= within) continue;
                    long cents = 0;
                    for (int k = start; k <= j; k++) cents += HighSpend.cents(purchases.get(k));
                    if (HighSpend.above(cents, s.rapidPurchasesThreshold)) {
                        out.add(purchases.get(j).userId + "|" + Patterns.RAPID_PURCHASES + "|" + purchases.get(j).ts
                                + " n=" + (j - start + 1) + " cents=" + cents);
                        from = j + 1;
                        break;
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Alert ids of CART_ABANDONED: carts with no purchase of the user in [cart, cart + timeout). */
    List<String> abandonedCarts() {
        long timeout = s.cartAbandonmentTimeout.toMillis();
        TreeSet<String> out = new TreeSet<>();
        for (List<ClickEvent> events : byUser.values()) {
            List<ClickEvent> purchases = only(events, EventType.PURCHASE);
            for (ClickEvent cart : only(events, EventType.ADD_TO_CART)) {
                boolean bought = purchases.stream().anyMatch(p -> p.ts >= cart.ts && p.ts < cart.ts + timeout);
                if (!bought) {
                    out.add(cart.userId + "|" + Patterns.CART_ABANDONED + "|" + cart.eventId);
                }
            }
        }
        return new ArrayList<>(out);
    }

    private static List<ClickEvent> only(List<ClickEvent> events, EventType type) {
        return events.stream().filter(e -> e.type == type).collect(Collectors.toList());
    }
}
