package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * CART_ABANDONED per user, as a keyed function with the same alerts as the CEP pattern
 * {@link Patterns#cartThenPurchase} and its timeout (kept as {@code journeys.cart-abandonment=cep}).
 *
 * <p>What the pattern computes, in event time: an add_to_cart is bought by the first purchase of the user stamped
 * at or after it (the same instant counts: funnel order puts the cart first) and strictly less than the timeout
 * after it; a cart the timeout reaches first is abandoned, one alert per cart. One purchase buys every open cart.
 * So the function keeps the user's open carts, with an event-time timer at the earliest open cart's deadline, and
 * each purchase has one at its own time. At a timer, carts whose deadline has come are abandoned first (a purchase
 * stamped exactly at the deadline is too late), then the purchases of that instant buy every cart stamped at or
 * before them, and the next earliest deadline gets the timer. Timers fire in time order, so a purchase is decided
 * when every cart that could precede it has arrived. An event at or behind the watermark on arrival is late, as
 * in CEP.
 *
 * <p>One deadline timer per user rather than per cart: a cart's timer stayed for the whole timeout even when a
 * purchase bought the cart a minute later, so the timer service held every cart of the last 30 minutes (at 49,000
 * events per second, the job's largest set of timers, still growing after four minutes). Carts come mostly in
 * time order, so a new cart's deadline is rarely the earliest and registers nothing; one out of order does.
 */
public class CartAbandonment extends KeyedProcessFunction<String, ClickEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final long timeout;
    private final OutputTag<ClickEvent> late;
    private transient ListState<ClickEvent> carts;
    private transient ListState<Long> purchases;

    public CartAbandonment(long timeoutMillis, OutputTag<ClickEvent> late) {
        this.timeout = timeoutMillis;
        this.late = late;
    }

    @Override
    public void open(OpenContext openContext) {
        carts = getRuntimeContext().getListState(new ListStateDescriptor<>("open-carts", TypeInformation.of(ClickEvent.class)));
        purchases = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-purchase-times", Long.class));
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<Alert> out) throws Exception {
        if (e.ts <= ctx.timerService().currentWatermark()) {
            ctx.output(late, e);
            return;
        }
        if (e.type == EventType.ADD_TO_CART) {
            // The timer stands at the earliest open deadline (see onTimer): only an earlier one needs its own.
            long deadline = e.ts + timeout;
            if (deadline < earliestDeadline(carts.get())) {
                ctx.timerService().registerEventTimeTimer(deadline);
            }
            carts.add(e);
        } else if (e.type == EventType.PURCHASE) {
            // Only its time matters; purchases of one instant share a timer.
            purchases.add(e.ts);
            ctx.timerService().registerEventTimeTimer(e.ts);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        long boughtUpTo = Long.MIN_VALUE;
        List<Long> later = new ArrayList<>();
        boolean due = false;
        for (Long p : purchases.get()) {
            if (p <= time) {
                boughtUpTo = Math.max(boughtUpTo, p);
                due = true;
            } else {
                later.add(p);
            }
        }
        if (due) {
            purchases.update(later);
        }
        List<ClickEvent> open = new ArrayList<>();
        List<ClickEvent> abandoned = new ArrayList<>();
        int total = 0;
        for (ClickEvent cart : carts.get()) {
            total++;
            if (cart.ts + timeout <= time) {
                abandoned.add(cart);              // the deadline came first (purchases before it were decided earlier)
            } else if (cart.ts > boughtUpTo) {
                open.add(cart);
            }                                     // else: bought by a purchase of this instant
        }
        if (abandoned.isEmpty() && open.size() == total) {
            return;
        }
        abandoned.sort(Patterns.BY_TIME_THEN_ID);
        for (ClickEvent cart : abandoned) {
            out.collect(Alert.withId(cart.userId + "|" + Patterns.CART_ABANDONED + "|" + cart.eventId,
                    Patterns.CART_ABANDONED, cart.userId, cart.ts, cart.ts + timeout, timeout, timeout, cart.url));
        }
        carts.update(open);
        if (!open.isEmpty()) {
            ctx.timerService().registerEventTimeTimer(earliestDeadline(open));
        }
    }

    /** The earliest deadline of {@code carts} (null when the user has none), or Long.MAX_VALUE. */
    private long earliestDeadline(Iterable<ClickEvent> carts) {
        long earliest = Long.MAX_VALUE;
        if (carts != null) {
            for (ClickEvent cart : carts) {
                earliest = Math.min(earliest, cart.ts + timeout);
            }
        }
        return earliest;
    }
}
