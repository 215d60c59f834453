package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * RAPID_PURCHASES per user as a journey of {@link UserJourneys}, with the same alerts as the CEP pattern
 * {@link Patterns#rapidPurchases} (the seed's form, kept as {@code journeys.rapid-purchases=cep}).
 *
 * <p>What the pattern computes, over a user's purchases in (time, event id) order: the first purchase that ends a
 * series of at least {@code count} consecutive purchases, all less than {@code within} after the series' first,
 * whose total is above the threshold, with the earliest first purchase among such series; then it skips past that
 * purchase, so the next series starts after it. So the journey keeps the user's purchases that could still start
 * a series (the current run since the last match, less those the latest purchase is {@code within} or more
 * after: {@link JourneyStore#RAPID_SERIES}); the purchases the watermark has not reached yet wait in the
 * operator's list, each decided at its time ({@link Scope#duePurchases}): then
 * every purchase that could come before it has arrived (a later one would be behind the watermark), so the due
 * purchases are taken in order, as CEP takes them when the watermark passes. A purchase at or behind the
 * watermark on arrival is late, as in CEP, and goes to {@code late}.
 *
 * <p>Cheaper than CEP: the pattern's operator keeps every purchase in a per-timestamp buffer and runs an automaton
 * with a shared buffer of partial matches, which it walks on every watermark (in RocksDB an iterator seek per
 * user and watermark); here a purchase is a list append and a timer.
 */
public class RapidPurchases implements Journey {
    private static final long serialVersionUID = 1L;

    private final int count;
    private final long within;
    private final double threshold;
    private final OutputTag<ClickEvent> late;

    public RapidPurchases(int count, long withinMillis, double threshold, OutputTag<ClickEvent> late) {
        this.count = count;
        this.within = withinMillis;
        this.threshold = threshold;
        this.late = late;
    }

    @Override
    public void onEvent(ClickEvent purchase, Scope scope) throws Exception {
        if (purchase.type != EventType.PURCHASE) {
            return;
        }
        if (purchase.ts <= scope.watermark()) {
            scope.emit(late, purchase);
            return;
        }
        // It waits with the others the watermark has not reached (JourneyStore.PENDING_PURCHASES).
    }

    @Override
    public void onTimer(long time, Scope scope) throws Exception {
        JourneyStore state = scope.state();
        List<ClickEvent> due = scope.duePurchases();
        List<ClickEvent> run = new ArrayList<>();
        state.get(JourneyStore.RAPID_SERIES).forEach(run::add);
        int before = run.size();
        if (!due.isEmpty()) {
            for (ClickEvent p : due) {
                run.add(p);
                // Purchases p is `within` or more after can start no series ending at p or at a later purchase.
                while (p.ts - run.get(0).ts >= within) {
                    run.remove(0);
                }
                if (matchEndingAtLast(run, scope)) {
                    run.clear();      // skip past the match: the next series starts after it
                }
            }
        }
        // Purchases to come are stamped after the watermark (>= time + 1): drop what none of them can reach.
        while (!run.isEmpty() && time + 1 - run.get(0).ts >= within) {
            run.remove(0);
        }
        if (run.isEmpty()) {
            if (before > 0) {
                state.set(JourneyStore.RAPID_SERIES, run);
            }
            return;
        }
        long forget = run.get(0).ts + within - 1;
        if (!due.isEmpty() || run.size() != before) {
            state.set(JourneyStore.RAPID_SERIES, run);
        }
        // Forget the run once no purchase to come can reach its first one, if none comes before.
        scope.timer(forget);
    }

    /**
     * Whether a series ends at the last purchase of {@code run}: the earliest first purchase with at least
     * {@code count} purchases up to the last and a total above the threshold; emits its alert.
     */
    private boolean matchEndingAtLast(List<ClickEvent> run, Scope scope) {
        int last = run.size() - 1;
        long total = 0;
        for (ClickEvent p : run) {
            total += HighSpend.cents(p);
        }
        for (int start = 0; start <= last - count + 1; start++) {
            if (HighSpend.above(total, threshold)) {
                ClickEvent first = run.get(start);
                ClickEvent end = run.get(last);
                Alert a = new Alert(Patterns.RAPID_PURCHASES, first.userId, first.ts, end.ts, total / 100.0, threshold, 0);
                a.detail = (last - start + 1) + " purchases";
                scope.emit(UserJourneys.RAPID_PURCHASES, a);
                return true;
            }
            total -= HighSpend.cents(run.get(start));
        }
        return false;
    }
}
