package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import io.clickstream.event.EventType;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SessionWindowTimeGapExtractor;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * User sessions on event-time session windows with a dynamic gap: Flink's windows ({@code analytics.sessions=windows},
 * the seed's form) or {@link KeyedSessions} (the default), with the same output.
 */
public final class Sessions {
    public static final String ANALYSIS = "sessions";

    private Sessions() {}

    /** The dynamic gap: shorter after a purchase, since checkout usually ends a visit. */
    public static final class Gap implements SessionWindowTimeGapExtractor<ClickEvent> {
        private final long gap;
        private final long gapAfterPurchase;

        public Gap(Duration gap, Duration gapAfterPurchase) {
            this.gap = gap.toMillis();
            this.gapAfterPurchase = gapAfterPurchase.toMillis();
        }

        @Override
        public long extract(ClickEvent e) {
            return e.type == EventType.PURCHASE ? gapAfterPurchase : gap;
        }
    }

    /** Running totals of one session; merged when a late event bridges two sessions. */
    public static class Totals {
        public long events;
        public long views;
        public long purchases;
        public long spendCents;
        public long first = Long.MAX_VALUE;
        public long last = Long.MIN_VALUE;

        public Totals() {}

        /** Adds {@code other}'s events to these totals: two sessions become one. */
        void absorb(Totals other) {
            events += other.events;
            views += other.views;
            purchases += other.purchases;
            spendCents += other.spendCents;
            first = Math.min(first, other.first);
            last = Math.max(last, other.last);
        }
    }

    public static final class Summarize implements AggregateFunction<ClickEvent, Totals, Totals> {
        @Override
        public Totals createAccumulator() {
            return new Totals();
        }

        @Override
        public Totals add(ClickEvent e, Totals t) {
            t.events++;
            if (e.type == EventType.VIEW) {
                t.views++;
            } else if (e.type == EventType.PURCHASE) {
                t.purchases++;
                t.spendCents += HighSpend.cents(e);
            }
            t.first = Math.min(t.first, e.ts);
            t.last = Math.max(t.last, e.ts);
            return t;
        }

        @Override
        public Totals getResult(Totals t) {
            return t;
        }

        @Override
        public Totals merge(Totals a, Totals b) {
            Totals m = new Totals();
            m.absorb(a);
            m.absorb(b);
            return m;
        }
    }

    /**
     * How often each session, by start, has fired: the revision of its next firing. Kept in keyed state (bounded
     * by a TTL), since Flink keeps no per-window state for merging windows. The windows form's; the keyed form
     * keeps the same state with {@code firings(false)}.
     */
    static final MapStateDescriptor<Long, Integer> FIRINGS = firings(true);

    /**
     * {@code cleanupInBackground}: whether expired entries are also looked for on state accesses (Flink's default
     * for the heap backend, five entries per access), besides being left out of full snapshots. The windows form
     * needs it: nothing else ever removes its counts. The keyed form removes its own, and does without: on a
     * state this sparse the incremental cleanup restarts its walk over every key group on nearly every access
     * (1 – 4 % of the job's CPU in a profile). Either way the TTL stays, so the state's serializer is the same.
     */
    static MapStateDescriptor<Long, Integer> firings(boolean cleanupInBackground) {
        MapStateDescriptor<Long, Integer> d = new MapStateDescriptor<>("session-firings", Types.LONG, Types.INT);
        StateTtlConfig.Builder ttl = StateTtlConfig.newBuilder(Duration.ofDays(1)).cleanupFullSnapshot();
        if (!cleanupInBackground) {
            ttl.disableCleanupInBackground();
        }
        d.enableTimeToLive(ttl.build());
        return d;
    }

    /** The revision of this firing of the session with totals {@code t} (counted by its first event time). */
    static int nextRevision(MapState<Long, Integer> firings, Totals t) throws Exception {
        Integer fired = firings.get(t.first);
        int revision = fired == null ? 0 : fired;
        firings.put(t.first, revision + 1);
        return revision;
    }

    /** The output row of a session with totals {@code t}, whose window ended at {@code windowEnd}. */
    static SessionSummary summary(String user, Totals t, long windowEnd, int revision) {
        SessionSummary s = new SessionSummary();
        s.sessionKey = user + "|" + t.first;
        s.userId = user;
        s.start = t.first;
        s.end = t.last;
        s.windowEnd = windowEnd;
        s.events = t.events;
        s.views = t.views;
        s.purchases = t.purchases;
        s.spend = t.spendCents / 100.0;
        s.revision = revision;
        return s;
    }

    /**
     * Emits a session and numbers its firings by session start. Session windows merge, and Flink keeps no
     * per-window state for merging windows, so the count lives in keyed state (bounded by a TTL).
     */
    public static final class EmitSession extends ProcessWindowFunction<Totals, SessionSummary, String, TimeWindow> {
        @Override
        public void process(String user, Context ctx, Iterable<Totals> totals, Collector<SessionSummary> out) throws Exception {
            Totals t = totals.iterator().next();
            int revision = nextRevision(ctx.globalState().getMapState(FIRINGS), t);
            out.collect(summary(user, t, ctx.window().getEnd(), revision));
        }

        @Override
        public void clear(Context ctx) throws Exception {
            ctx.globalState().getMapState(FIRINGS).remove(ctx.window().getStart());
        }
    }
}
