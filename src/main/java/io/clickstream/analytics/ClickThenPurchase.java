package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Click → purchase within the limit, per user, as a journey of {@link UserJourneys} with the same results as the CEP
 * pattern {@link Patterns#clickThenPurchase} (the seed's form, kept as {@code journeys.click-to-purchase=cep}).
 *
 * <p>What the pattern computes, in event time: each purchase, taken in (time, funnel order, eventId) order, is
 * paired with the earliest click that is stamped after the user's previous purchase (the pattern skips past each
 * match; a purchase without a click in reach had no click left that a later one could use), not after the
 * purchase itself, and strictly less than the limit before it. So the function keeps the user's clicks not yet
 * used or out of reach ({@link JourneyStore#OPEN_CLICKS}), while the purchases the watermark has not reached wait
 * in the operator's list ({@link JourneyStore#PENDING_PURCHASES}); a purchase is decided by an event-time
 * timer at its own time ({@link Scope#duePurchases}), when every click that could precede it has arrived (anything later would be behind the
 * watermark). An event at or behind the watermark on arrival is late, as in CEP, and goes to {@code late}.
 *
 * <p>Cheaper than CEP for this pattern: CEP keeps every event in a per-timestamp buffer and runs an automaton over
 * it with a shared buffer of partial matches; here a click costs one list append and a purchase one timer.
 * (The job feeds it slim events, without session id, referrer or user agent: see {@code Journeys}.)
 */
public class ClickThenPurchase implements Journey {
    private static final long serialVersionUID = 1L;

    private final long within;
    private final OutputTag<ClickEvent> late;

    public ClickThenPurchase(long withinMillis, OutputTag<ClickEvent> late) {
        this.within = withinMillis;
        this.late = late;
    }

    @Override
    public void onEvent(ClickEvent e, Scope scope) throws Exception {
        if (e.type != EventType.CLICK && e.type != EventType.PURCHASE) {
            return;
        }
        if (e.ts <= scope.watermark()) {
            scope.emit(late, e);
            return;
        }
        JourneyStore state = scope.state();
        if (e.type == EventType.CLICK) {
            // A click nobody buys after is dropped once out of reach: on the heap by the user's next click, or at a
            // timer shared by the user's clicks (ClickDrops). (Whether a click is in reach is decided by its time,
            // not by when it is dropped.) Out of reach at the watermark: every purchase to come or still pending is
            // stamped after it, so at least the limit after the click.
            ClickDrops.list(state, scope, JourneyStore.OPEN_CLICKS, e, this::outOfReachAt, within);
        }
        // A purchase waits with the others the watermark has not reached (JourneyStore.PENDING_PURCHASES).
    }

    /**
     * Decides the purchases the watermark has reached, in order, then drops the clicks no later purchase can use:
     * those at or before the last purchase decided (used, or passed over by it), and those out of reach.
     */
    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        JourneyStore state = scope.state();
        List<ClickEvent> due = scope.duePurchases();
        List<ClickEvent> open = new ArrayList<>();
        state.get(JourneyStore.OPEN_CLICKS).forEach(open::add);
        long lastDecided = Long.MIN_VALUE;
        if (!due.isEmpty()) {
            open.sort(Patterns.BY_TIME_THEN_ID);
            for (ClickEvent p : due) {
                ClickEvent click = earliestInReach(open, lastDecided, p);
                if (click != null) {
                    scope.emit(UserJourneys.CLICK_TO_PURCHASE, new ClickToPurchase(p.eventId, p.userId, click.eventId,
                            click.url, click.ts, p.ts, p.spend == null ? 0 : p.spend));
                }
                lastDecided = p.ts;
            }
        }
        List<ClickEvent> keep = new ArrayList<>();
        for (ClickEvent c : open) {
            if (c.ts > lastDecided && outOfReachAt(c) > time) {
                keep.add(c);
            }
        }
        if (keep.size() != open.size()) {
            state.set(JourneyStore.OPEN_CLICKS, keep);
        }
        ClickDrops.rearm(state, scope, keep, this::outOfReachAt, within);
    }

    /** The first watermark at which no purchase to come or pending can use {@code click}: its limit. */
    private long outOfReachAt(ClickEvent click) {
        return click.ts + within;
    }

    /**
     * The earliest click after {@code after} (the purchase decided before {@code p} in this round; earlier rounds
     * already dropped the clicks their purchases used or passed over), at or before {@code p} (a click stamped
     * like the purchase comes first in funnel order), strictly inside the limit.
     */
    private ClickEvent earliestInReach(List<ClickEvent> sortedClicks, long after, ClickEvent p) {
        for (ClickEvent c : sortedClicks) {
            if (c.ts > p.ts) {
                return null;
            }
            if (c.ts > after && p.ts - c.ts < within) {
                return c;
            }
        }
        return null;
    }
}
