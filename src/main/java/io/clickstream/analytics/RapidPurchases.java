package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
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
 * RAPID_PURCHASES per user as a keyed function, with the same alerts as the CEP pattern
 * {@link Patterns#rapidPurchases} (the seed's form, kept as {@code journeys.rapid-purchases=cep}).
 *
 * <p>What the pattern computes, over a user's purchases in (time, event id) order: the first purchase that ends a
 * series of at least {@code count} consecutive purchases, all less than {@code within} after the series' first,
 * whose total is above the threshold, with the earliest first purchase among such series; then it skips past that
 * purchase, so the next series starts after it. So the function keeps the user's purchases that could still start
 * a series (the current run since the last match, less those the latest purchase is {@code within} or more
 * after), and the purchases the watermark has not reached yet, each with a timer at its time: when it fires,
 * every purchase that could come before it has arrived (a later one would be behind the watermark), so the due
 * purchases are taken in order, as CEP takes them when the watermark passes. A purchase at or behind the
 * watermark on arrival is late, as in CEP, and goes to {@code late}.
 *
 * <p>Cheaper than CEP: the pattern's operator keeps every purchase in a per-timestamp buffer and runs an automaton
 * with a shared buffer of partial matches, which it walks on every watermark (in RocksDB an iterator seek per
 * user and watermark); here a purchase is a list append and a timer.
 */
public class RapidPurchases extends KeyedProcessFunction<String, ClickEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final int count;
    private final long within;
    private final double threshold;
    private final OutputTag<ClickEvent> late;
    /** Purchases not reached by the watermark yet. */
    private transient ListState<ClickEvent> pending;
    /** Decided purchases, in order, that a series ending at a later purchase could still start with. */
    private transient ListState<ClickEvent> series;

    public RapidPurchases(int count, long withinMillis, double threshold, OutputTag<ClickEvent> late) {
        this.count = count;
        this.within = withinMillis;
        this.threshold = threshold;
        this.late = late;
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<ClickEvent> event = TypeInformation.of(ClickEvent.class);
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("rapid-pending-purchases", event));
        series = getRuntimeContext().getListState(new ListStateDescriptor<>("rapid-series", event));
    }

    @Override
    public void processElement(ClickEvent purchase, Context ctx, Collector<Alert> out) throws Exception {
        if (purchase.ts <= ctx.timerService().currentWatermark()) {
            ctx.output(late, purchase);
            return;
        }
        pending.add(purchase);
        ctx.timerService().registerEventTimeTimer(purchase.ts);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<ClickEvent> due = new ArrayList<>();
        List<ClickEvent> later = new ArrayList<>();
        for (ClickEvent p : pending.get()) {
            (p.ts <= time ? due : later).add(p);
        }
        List<ClickEvent> run = new ArrayList<>();
        series.get().forEach(run::add);
        int before = run.size();
        if (!due.isEmpty()) {
            due.sort(Patterns.BY_TIME_THEN_ID);
            for (ClickEvent p : due) {
                run.add(p);
                // Purchases p is `within` or more after can start no series ending at p or at a later purchase.
                while (p.ts - run.get(0).ts >= within) {
                    run.remove(0);
                }
                if (matchEndingAtLast(run, out)) {
                    run.clear();      // skip past the match: the next series starts after it
                }
            }
            pending.update(later);
        }
        // Purchases to come are stamped after the watermark (>= time + 1): drop what none of them can reach.
        while (!run.isEmpty() && time + 1 - run.get(0).ts >= within) {
            run.remove(0);
        }
        if (run.isEmpty()) {
            series.clear();
            return;
        }
        if (!due.isEmpty() || run.size() != before) {
            series.update(run);
        }
        // Forget the run once no purchase to come can reach its first one, if none comes before.
        ctx.timerService().registerEventTimeTimer(run.get(0).ts + within - 1);
    }

    /**
     * Whether a series ends at the last purchase of {@code run}: the earliest first purchase with at least
     * {@code count} purchases up to the last and a total above the threshold; emits its alert.
     */
    private boolean matchEndingAtLast(List<ClickEvent> run, Collector<Alert> out) {
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
                out.collect(a);
                return true;
            }
            total -= HighSpend.cents(run.get(start));
        }
        return false;
    }
}
