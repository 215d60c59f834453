package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * User sessions as a keyed function, with the same output as Flink's event-time session windows with a dynamic
 * gap, allowed lateness and the default event-time trigger ({@code analytics.sessions=windows}).
 *
 * <p>What those windows compute, and how this function does it: an event at {@code ts} opens the window
 * {@code [ts, ts + gap)}; windows that touch or overlap merge into one, and one session is one window. A window
 * fires when the watermark reaches its last millisecond ({@code end - 1}), at once if it is already there when an
 * event lands in it (a revision), and is dropped {@code allowed lateness} after that; an event whose own window
 * is already past that point, and touches no open one, is too late. So the function keeps the user's open
 * sessions (usually one) in one value, and one event-time timer at or before the earliest moment a session is
 * due to fire or to be dropped. Flink's window operator re-reads and rewrites the user's window set, merges
 * accumulators and moves two timers on every event; here an event that extends a session moves no timer: the
 * timer, when it comes, finds the session longer and is set again for its new end.
 *
 * <p>The revision of a firing is counted per session start in the map state {@code session-firings}
 * ({@link Sessions#firings}), as the windows form does ({@link Sessions#nextRevision}). A count is removed when its session is dropped, or when its key stops being a
 * session's start (an earlier event, or a merge into an earlier session): no later session can start there,
 * since that time lies inside this one until it is dropped, and then any event there is too late.
 */
public class KeyedSessions extends KeyedProcessFunction<String, ClickEvent, SessionSummary> {
    private static final long serialVersionUID = 1L;
    private static final Sessions.Summarize SUMMARIZE = new Sessions.Summarize();

    private final Sessions.Gap gap;
    private final long lateness;
    private final OutputTag<ClickEvent> late;
    private transient ValueState<OpenSessions> open;
    private transient MapState<Long, Integer> firings;

    public KeyedSessions(Sessions.Gap gap, Duration allowedLateness, OutputTag<ClickEvent> late) {
        this.gap = gap;
        this.lateness = allowedLateness.toMillis();
        this.late = late;
    }

    /** A user's open sessions, by start, and the earliest event-time timer set for them. */
    public static class OpenSessions {
        public Session[] sessions = new Session[0];
        /** The earliest timer set and not yet fired ({@code Long.MAX_VALUE}: none). */
        public long timerAt = Long.MAX_VALUE;

        public OpenSessions() {}
    }

    /** One open session: its window {@code [start, end)}, totals, and whether its firing is still to come. */
    public static class Session extends Sessions.Totals {
        public long start;
        public long end;
        public boolean firePending;

        public Session() {}

        long maxTimestamp() {
            return end - 1;
        }
    }

    @Override
    public void open(OpenContext openContext) {
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-sessions", TypeInformation.of(OpenSessions.class)));
        firings = getRuntimeContext().getMapState(Sessions.firings(false));
    }

    @Override
    public void processElement(ClickEvent e, Context ctx, Collector<SessionSummary> out) throws Exception {
        long ts = ctx.timestamp();
        long wm = ctx.timerService().currentWatermark();
        long start = ts;
        long end = ts + gap.extract(e);
        OpenSessions user = open.value();
        Session[] sessions = user == null ? new Session[0] : user.sessions;

        // The open sessions are disjoint and sorted; those the new window touches are consecutive.
        int first = 0;
        while (first < sessions.length && sessions[first].end < start) {
            first++;
        }
        int last = first;
        while (last < sessions.length && sessions[last].start <= end) {
            last++;
        }
        Session s;
        long startBefore = Long.MIN_VALUE;   // an existing session's first event time, the key of its count
        if (first == last) {
            if (cleanupTime(end - 1) <= wm) {
                ctx.output(late, e);
                return;
            }
            s = new Session();
            s.start = start;
            s.end = end;
            sessions = insert(sessions, first, s);
        } else {
            s = sessions[first];
            startBefore = s.first;
            for (int i = first + 1; i < last; i++) {
                firings.remove(sessions[i].first);
                s.absorb(sessions[i]);
                s.end = Math.max(s.end, sessions[i].end);   // sessions are sorted: the start stays the first's
            }
            s.start = Math.min(s.start, start);
            s.end = Math.max(s.end, end);
            sessions = remove(sessions, first + 1, last);
        }
        SUMMARIZE.add(e, s);
        if (startBefore != Long.MIN_VALUE && s.first != startBefore) {
            firings.remove(startBefore);
        }
        // As the event-time trigger: a session the watermark has passed fires now (a revision), others on time.
        s.firePending = s.maxTimestamp() > wm;
        if (!s.firePending) {
            fire(ctx.getCurrentKey(), s, out);
        }

        if (user == null) {
            user = new OpenSessions();
        }
        user.sessions = sessions;
        long due = nextDue(sessions);
        if (due < user.timerAt) {
            ctx.timerService().registerEventTimeTimer(due);
            user.timerAt = due;
        }
        open.update(user);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionSummary> out) throws Exception {
        OpenSessions user = open.value();
        if (user == null) {
            return;  // a timer set before its sessions were extended and then dropped
        }
        long wm = ctx.timerService().currentWatermark();
        Session[] sessions = user.sessions;
        int kept = 0;
        for (Session s : sessions) {
            if (s.firePending && s.maxTimestamp() <= wm) {
                s.firePending = false;
                fire(ctx.getCurrentKey(), s, out);
            }
            if (cleanupTime(s.maxTimestamp()) <= wm) {
                firings.remove(s.first);   // the key of Sessions.nextRevision
            } else {
                sessions[kept++] = s;
            }
        }
        if (kept == 0) {
            open.clear();
            return;
        }
        if (kept < sessions.length) {
            user.sessions = remove(sessions, kept, sessions.length);
        }
        // Timers fire in time order, so no earlier one is pending; a later one left from before may still come.
        user.timerAt = nextDue(user.sessions);
        ctx.timerService().registerEventTimeTimer(user.timerAt);
        open.update(user);
    }

    private void fire(String userId, Session s, Collector<SessionSummary> out) throws Exception {
        out.collect(Sessions.summary(userId, s, s.end, Sessions.nextRevision(firings, s)));
    }

    /** When a session is dropped: {@code allowed lateness} after its last millisecond, as Flink's window operator. */
    private long cleanupTime(long maxTimestamp) {
        long t = maxTimestamp + lateness;
        return t >= maxTimestamp ? t : Long.MAX_VALUE;
    }

    private long nextDue(Session[] sessions) {
        long due = Long.MAX_VALUE;
        for (Session s : sessions) {
            due = Math.min(due, s.firePending ? s.maxTimestamp() : cleanupTime(s.maxTimestamp()));
        }
        return due;
    }

    private static Session[] insert(Session[] sessions, int at, Session s) {
        Session[] grown = new Session[sessions.length + 1];
        System.arraycopy(sessions, 0, grown, 0, at);
        grown[at] = s;
        System.arraycopy(sessions, at, grown, at + 1, sessions.length - at);
        return grown;
    }

    /** {@code sessions} without the elements {@code [from, to)}. */
    private static Session[] remove(Session[] sessions, int from, int to) {
        if (from == to) {
            return sessions;
        }
        Session[] shrunk = new Session[sessions.length - (to - from)];
        System.arraycopy(sessions, 0, shrunk, 0, from);
        System.arraycopy(sessions, to, shrunk, from, sessions.length - to);
        return shrunk;
    }
}
