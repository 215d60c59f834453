package io.clickstream.analytics;

/**
 * One user's state in {@link UserActivity}: the open sessions ({@link KeyedSessions}) and the inactivity
 * deadline ({@link InactivityAlert}). One value, so an event costs one state lookup for both analyses.
 *
 * <p>Mutable, and not thread-safe: the heap backend hands the task thread its own copy ({@link #copy}) while a
 * checkpoint writes this one.
 */
public final class ActivityState {
    /** No time: no event seen, no timer set. */
    static final long NONE = Long.MIN_VALUE;
    static final KeyedSessions.Session[] NO_SESSIONS = new KeyedSessions.Session[0];

    /** Open sessions, disjoint and sorted by start. */
    KeyedSessions.Session[] sessions = NO_SESSIONS;
    /** The earliest sessions' timer set and not yet fired ({@code Long.MAX_VALUE}: none). */
    long sessionTimer = Long.MAX_VALUE;
    /** The latest event time seen since the last inactivity alert ({@link #NONE}: none). */
    long lastSeen = NONE;
    /** The registered inactivity timer ({@link #NONE}: none). */
    long inactivityTimer = NONE;

    boolean isEmpty() {
        return sessions.length == 0 && lastSeen == NONE;
    }

    ActivityState copy() {
        ActivityState c = new ActivityState();
        if (sessions.length > 0) {
            c.sessions = new KeyedSessions.Session[sessions.length];
            for (int i = 0; i < sessions.length; i++) {
                c.sessions[i] = sessions[i].copy();
            }
        }
        c.sessionTimer = sessionTimer;
        c.lastSeen = lastSeen;
        c.inactivityTimer = inactivityTimer;
        return c;
    }
}
