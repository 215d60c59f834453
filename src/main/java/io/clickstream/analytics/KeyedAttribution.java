package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Click → purchase attribution per user as a journey of {@link UserJourneys}, with the same rows as Flink's interval
 * join followed by {@link AttributionJoin.ChooseClick} (kept as {@code journeys.attribution=interval-join}).
 *
 * <p>What the join computes: for each purchase, every click of the user stamped from {@code max delay} before it to
 * {@code clock skew} after it (both inclusive) is a candidate; once the watermark passes {@code purchase + clock
 * skew}, no further click can be one, and the preferred candidate ({@link Attribution#preferred}) is the row, with
 * the number of candidates. Here the user's recent clicks are a list ({@link JourneyStore#ATTRIBUTION_CLICKS}),
 * each purchase waits in another ({@link JourneyStore#ATTRIBUTION_PURCHASES}) with a timer
 * at {@code purchase + clock skew + 1}, and the timer picks the winner among the listed clicks. A click is kept
 * until no purchase, pending or still to come, can reach it: a purchase to come is stamped after the watermark,
 * and a pending one is decided by {@code clock skew + 1} after its time. An event at or behind the watermark on
 * arrival is late, as {@link OnTime} decides for the join, and goes to {@code late}.
 *
 * <p>Cheaper than the join: an interval join is a two-input operator, which Flink does not chain, so every click
 * and purchase is serialized to a task of its own, buffered there per timestamp with a cleanup timer each, and every
 * pair is shuffled again by purchase to choose the winner. Here a click is one list append, and the user's clicks
 * share a drop timer ({@link ClickDrops}).
 */
public class KeyedAttribution implements Journey {
    private static final long serialVersionUID = 1L;

    private final long clockSkew;
    private final long maxDelay;
    private final OutputTag<ClickEvent> late;

    public KeyedAttribution(long clockSkewMillis, long maxDelayMillis, OutputTag<ClickEvent> late) {
        this.clockSkew = clockSkewMillis;
        this.maxDelay = maxDelayMillis;
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
        if (e.type == EventType.CLICK) {
            // Dropped once no purchase can reach it: on the heap by the user's next click, or at a timer shared by
            // the user's clicks (ClickDrops). (Which clicks are candidates is decided by their times, not by this.)
            ClickDrops.list(scope.state(), scope, JourneyStore.ATTRIBUTION_CLICKS, e, this::unneededAt, maxDelay);
        } else {
            scope.state().add(JourneyStore.ATTRIBUTION_PURCHASES, e);
            scope.timer(e.ts + clockSkew + 1);
        }
    }

    /**
     * Decides the purchases whose last possible click the watermark has passed, then drops the clicks that neither
     * an undecided purchase nor a later one can reach.
     */
    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        JourneyStore state = scope.state();
        List<ClickEvent> recent = new ArrayList<>();
        state.get(JourneyStore.ATTRIBUTION_CLICKS).forEach(recent::add);
        List<ClickEvent> undecided = new ArrayList<>();
        boolean decided = false;
        for (ClickEvent p : state.get(JourneyStore.ATTRIBUTION_PURCHASES)) {
            if (p.ts + clockSkew + 1 > time) {
                undecided.add(p);
                continue;
            }
            decided = true;
            Attribution best = null;
            for (ClickEvent c : recent) {
                if (c.ts >= p.ts - maxDelay && c.ts <= p.ts + clockSkew) {
                    Attribution candidate = Attribution.of(c, p);
                    best = best == null ? candidate : Attribution.preferred(best, candidate);
                }
            }
            if (best != null) {
                scope.emit(UserJourneys.ATTRIBUTION, best);
            }
        }
        if (decided) {
            state.set(JourneyStore.ATTRIBUTION_PURCHASES, undecided);
        }
        List<ClickEvent> keep = new ArrayList<>();
        for (ClickEvent c : recent) {
            if (unneededAt(c) > time) {
                keep.add(c);
            }
        }
        if (keep.size() != recent.size()) {
            state.set(JourneyStore.ATTRIBUTION_CLICKS, keep);
        }
        ClickDrops.rearm(state, scope, keep, this::unneededAt, maxDelay);
    }

    /**
     * The first watermark at which {@code click} is no purchase's candidate: purchases to come are stamped after the
     * watermark, so beyond {@code click + max delay}; those still undecided then are decided by the time they reach
     * {@code click + max delay + clock skew + 1}.
     */
    private long unneededAt(ClickEvent click) {
        return click.ts + maxDelay + clockSkew + 1;
    }
}
