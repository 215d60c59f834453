package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.time.Duration;

/**
 * User sessions kept in the user's {@link ActivityState}, with the same output as Flink's event-time session
 * windows with a dynamic gap, allowed lateness and the default event-time trigger ({@code analytics.sessions=windows}).
 * Runs in {@link UserActivity}.
 *
 * <p>What those windows compute, and how this does it: an event at {@code ts} opens the window
 * {@code [ts, ts + gap)}; windows that touch or overlap merge into one, and one session is one window. A window
 * fires when the watermark reaches its last millisecond ({@code end - 1}), at once if it is already there when an
 * event lands in it (a revision), and is dropped {@code allowed lateness} after that; an event whose own window
 * is already past that point, and touches no open one, is too late. So the user's open sessions (usually one)
 * are kept with one event-time timer at or before the earliest moment a session is due to fire or to be dropped.
 * Flink's window operator re-reads and rewrites the user's window set, merges accumulators and moves two timers
 * on every event; here an event that extends a session moves no timer: the timer, when it comes, finds the
 * session longer and is set again for its new end.
 *
 * <p>The revision of a firing is counted per session start, as the windows form does in keyed state
 * ({@link Sessions#nextRevision}); here the count is the session's own. It starts again at 0 when the session's
 * start moves earlier (a new start has never fired), and a merge keeps the earlier session's, as the windows form,
 * which counts by first event time: the merged session starts where the earlier one did.
 */
public class KeyedSessions implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final Sessions.Summarize SUMMARIZE = new Sessions.Summarize();

    private final Sessions.Gap gap;
    private final long lateness;
    private final OutputTag<ClickEvent> late;

    public KeyedSessions(Sessions.Gap gap, Duration allowedLateness, OutputTag<ClickEvent> late) {
        this.gap = gap;
        this.lateness = allowedLateness.toMillis();
        this.late = late;
    }

    /** One open session: its window {@code [start, end)}, totals, and its next firing. */
    public static class Session extends Sessions.Totals {
        public long start;
        public long end;
        /** The revision of the session's next firing: how often it has fired under its current start. */
        public int revision;
        public boolean firePending;

        public Session() {}

        long maxTimestamp() {
            return end - 1;
        }

        Session copy() {
            Session c = new Session();
            c.absorb(this);
            c.start = start;
            c.end = end;
            c.revision = revision;
            c.firePending = firePending;
            return c;
        }
    }

    void onEvent(ClickEvent e, long ts, ActivityState user, UserActivity scope) {
        long wm = scope.watermark();
        long start = ts;
        long end = ts + gap.extract(e);
        Session[] sessions = user.sessions;

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
        if (first == last) {
            if (cleanupTime(end - 1) <= wm) {
                scope.late(late, e);
                return;
            }
            s = new Session();
            s.start = start;
            s.end = end;
            sessions = insert(sessions, first, s);
        } else {
            s = sessions[first];
            for (int i = first + 1; i < last; i++) {
                s.absorb(sessions[i]);                        // its count goes: its start is inside this one now
                s.end = Math.max(s.end, sessions[i].end);   // sessions are sorted: the start stays the first's
            }
            s.start = Math.min(s.start, start);
            s.end = Math.max(s.end, end);
            sessions = remove(sessions, first + 1, last);
            if (e.ts < s.first) {
                s.revision = 0;   // a new first event time: a session that never fired, in the windows form's count
            }
        }
        SUMMARIZE.add(e, s);
        // As the event-time trigger: a session the watermark has passed fires now (a revision), others on time.
        s.firePending = s.maxTimestamp() > wm;
        if (!s.firePending) {
            fire(s, scope);
        }
        user.sessions = sessions;
        long due = nextDue(sessions);
        if (due < user.sessionTimer) {
            scope.sessionTimer(due);
            user.sessionTimer = due;
        }
    }

    void onTimer(ActivityState user, UserActivity scope) {
        long wm = scope.watermark();
        Session[] sessions = user.sessions;
        if (sessions.length == 0) {
            return;   // a timer set before its sessions were extended and then dropped
        }
        int kept = 0;
        for (Session s : sessions) {
            if (s.firePending && s.maxTimestamp() <= wm) {
                s.firePending = false;
                fire(s, scope);
            }
            if (cleanupTime(s.maxTimestamp()) > wm) {
                sessions[kept++] = s;
            }
        }
        user.sessions = kept == 0 ? ActivityState.NO_SESSIONS : remove(sessions, kept, sessions.length);
        // Timers fire in time order, so no earlier one is pending; a later one left from before may still come.
        user.sessionTimer = nextDue(user.sessions);
        if (user.sessionTimer != Long.MAX_VALUE) {
            scope.sessionTimer(user.sessionTimer);
        }
    }

    private static void fire(Session s, UserActivity scope) {
        scope.session(Sessions.summary(scope.user(), s, s.end, s.revision++));
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
