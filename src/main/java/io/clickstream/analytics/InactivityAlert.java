package io.clickstream.analytics;

import io.clickstream.event.ClickEvent;

import java.io.Serializable;
import java.time.Duration;

/**
 * Seed 3.2: an alert when a user has sent no event for the timeout, kept in the user's {@link ActivityState}.
 * Runs in {@link UserActivity}. In event time by default, so a replay raises the same alerts; in processing time
 * when configured. An out-of-order event older than the latest one never moves the deadline back.
 *
 * <p>In event time the deadline (latest event time + timeout) moves with nearly every event, but the timer does
 * not: one timer per user stays where it was set, and when it fires before the deadline it is set again for the
 * deadline. Deleting and registering a timer per event was the operator's main cost; a timer that fires early
 * costs one state read, once per timeout of activity. In processing time each event moves the timer to now +
 * timeout, as there is no watermark to fire it early against.
 */
public class InactivityAlert implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final long NONE = ActivityState.NONE;

    private final long timeout;
    private final boolean eventTime;
    private final String code;

    public InactivityAlert(Duration timeout, boolean eventTime, String code) {
        this.timeout = timeout.toMillis();
        this.eventTime = eventTime;
        this.code = code;
    }

    boolean inEventTime() {
        return eventTime;
    }

    void onEvent(ClickEvent e, ActivityState user, UserActivity scope) {
        if (!eventTime) {
            user.lastSeen = user.lastSeen == NONE ? e.ts : Math.max(user.lastSeen, e.ts);
            long due = scope.now() + timeout;
            if (user.inactivityTimer == due) {
                return;
            }
            if (user.inactivityTimer != NONE) {
                scope.deleteInactivityTimer(user.inactivityTimer);
            }
            scope.inactivityTimer(due);
            user.inactivityTimer = due;
            return;
        }
        if (user.lastSeen != NONE && e.ts >= user.lastSeen + timeout) {
            // The user was already inactive for the timeout before this event: the alert is due whether or not
            // the watermark (the slowest parallel input) has reached the deadline yet.
            scope.deleteInactivityTimer(user.inactivityTimer);
            fire(user, user.lastSeen + timeout, scope);
        }
        if (user.lastSeen == NONE) {
            user.lastSeen = e.ts;
            user.inactivityTimer = e.ts + timeout;
            scope.inactivityTimer(user.inactivityTimer);
        } else if (e.ts > user.lastSeen) {
            user.lastSeen = e.ts;
        }
    }

    void onTimer(long timestamp, ActivityState user, UserActivity scope) {
        if (user.lastSeen == NONE || timestamp != user.inactivityTimer) {
            return;   // a timer of the other time domain, left from before the setting changed
        }
        if (eventTime) {
            long deadline = user.lastSeen + timeout;
            if (timestamp < deadline) {
                // Set before the user's later events: wait for the deadline they moved it to.
                scope.inactivityTimer(deadline);
                user.inactivityTimer = deadline;
                return;
            }
        }
        fire(user, timestamp, scope);
    }

    /** Event time: the alert's time is the moment inactivity was established; processing time: the wall clock. */
    private void fire(ActivityState user, long at, UserActivity scope) {
        scope.inactivityAlert(new Alert(code, scope.user(), user.lastSeen, at, timeout, timeout, 0));
        user.lastSeen = NONE;
        user.inactivityTimer = NONE;
    }
}
