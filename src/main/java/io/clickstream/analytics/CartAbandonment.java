package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * CART_ABANDONED per user, as a journey of {@link UserJourneys} with the same alerts as the CEP pattern
 * {@link Patterns#cartThenPurchase} and its timeout (kept as {@code journeys.cart-abandonment=cep}).
 *
 * <p>What the pattern computes, in event time: an add_to_cart is bought by the first purchase of the user stamped
 * at or after it (the same instant counts: funnel order puts the cart first) and strictly less than the timeout
 * after it; a cart the timeout reaches first is abandoned, one alert per cart. One purchase buys every open cart.
 * So the journey keeps the user's open carts ({@link JourneyStore#OPEN_CARTS}), with an event-time timer at the
 * earliest open cart's deadline, and each purchase (of the operator's pending purchases; only its time is read) is
 * decided at its own time ({@link Scope#duePurchases}). At a timer, carts whose deadline has come are abandoned first (a purchase stamped exactly at
 * the deadline is too late), then the purchases of that instant buy every cart stamped at or before them, and the
 * next earliest deadline gets the timer. Timers fire in time order, so a purchase is decided when every cart that
 * could precede it has arrived. An event at or behind the watermark on arrival is late, as in CEP.
 *
 * <p>One deadline timer per user rather than per cart: a cart's timer stayed for the whole timeout even when a
 * purchase bought the cart a minute later, so the timer service held every cart of the last 30 minutes (at 49,000
 * events per second, the job's largest set of timers, still growing after four minutes). Carts come mostly in
 * time order, so a new cart's deadline is rarely the earliest and registers nothing; one out of order does. When
 * purchases buy carts, the timers at their deadlines are deleted: left standing, each stayed for the rest of the
 * timeout, 320,000 per subtask after nine minutes of a run at 40,000 events per second (docs/benchmarks.md,
 * twenty-fifth round).
 */
public class CartAbandonment implements Journey {
    private static final long serialVersionUID = 1L;

    private final long timeout;
    private final OutputTag<ClickEvent> late;

    public CartAbandonment(long timeoutMillis, OutputTag<ClickEvent> late) {
        this.timeout = timeoutMillis;
        this.late = late;
    }

    @Override
    public void onEvent(ClickEvent e, Scope scope) throws Exception {
        if (e.type != EventType.ADD_TO_CART && e.type != EventType.PURCHASE) {
            return;
        }
        if (e.ts <= scope.watermark()) {
            scope.emit(late, e);
            return;
        }
        JourneyStore state = scope.state();
        if (e.type == EventType.ADD_TO_CART) {
            // The timer stands at the earliest open deadline (see onTimer): only an earlier one needs its own.
            long deadline = e.ts + timeout;
            if (deadline < earliestDeadline(state.get(JourneyStore.OPEN_CARTS))) {
                scope.timer(deadline);
            }
            state.add(JourneyStore.OPEN_CARTS, e);
        }
        // A purchase waits with the others the watermark has not reached (JourneyStore.PENDING_PURCHASES).
    }

    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        JourneyStore state = scope.state();
        long boughtUpTo = Long.MIN_VALUE;
        for (ClickEvent p : scope.duePurchases()) {
            boughtUpTo = Math.max(boughtUpTo, p.ts);
        }
        List<ClickEvent> open = new ArrayList<>();
        List<ClickEvent> abandoned = new ArrayList<>();
        int total = 0;
        for (ClickEvent cart : state.get(JourneyStore.OPEN_CARTS)) {
            total++;
            if (cart.ts + timeout <= time) {
                abandoned.add(cart);              // the deadline came first (purchases before it were decided earlier)
            } else if (cart.ts > boughtUpTo) {
                open.add(cart);
            } else {
                // Bought by a purchase of this instant, before its deadline. A timer there (it was the earliest, or
                // came out of order) would only fire on nothing, and until then the timer service would hold it
                // for the rest of the timeout. No open cart shares the deadline: those are stamped later.
                scope.deleteTimer(cart.ts + timeout);
            }
        }
        if (abandoned.isEmpty() && open.size() == total) {
            return;
        }
        abandoned.sort(Patterns.BY_TIME_THEN_ID);
        for (ClickEvent cart : abandoned) {
            String id = cart.userId + "|" + Patterns.CART_ABANDONED + "|" + cart.eventId;
            scope.emit(UserJourneys.CART_ABANDONED, Alert.withId(id, Patterns.CART_ABANDONED, cart.userId, cart.ts,
                    cart.ts + timeout, timeout, timeout, cart.url));
        }
        long next = earliestDeadline(open);
        state.set(JourneyStore.OPEN_CARTS, open);
        if (next != Long.MAX_VALUE) {
            scope.timer(next);
        }
    }

    /** The earliest deadline of {@code carts}, or Long.MAX_VALUE when there is none. */
    private long earliestDeadline(Iterable<ClickEvent> carts) {
        long earliest = Long.MAX_VALUE;
        for (ClickEvent cart : carts) {
            earliest = Math.min(earliest, cart.ts + timeout);
        }
        return earliest;
    }
}
