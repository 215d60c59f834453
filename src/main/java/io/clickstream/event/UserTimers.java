package io.clickstream.event;

/**
 * Where a per-user cleanup timer goes. Rounding a timer up to a coarser step lets a user's events share a few
 * timers; rounding to the same multiples for every user would put every user's timers of an operator at the same
 * moments, on the minute, where the windows of every analysis end as well. When the watermark (or, for a
 * processing-time timer, the clock) passes such a moment, the task fires all of them before anything else, and
 * results wait behind them. So each user gets their own grid: the same step, shifted by an offset taken from the
 * user's key.
 */
public final class UserTimers {
    private UserTimers() {}

    /** The first moment at or after {@code time} on {@code user}'s grid of {@code step} milliseconds. */
    public static long roundUp(long time, long step, String user) {
        return time + Math.floorMod(offset(step, user) - time, step);
    }

    /** The user's shift of the grid, in [0, step): their key's hash, mixed so that similar keys spread out. */
    static long offset(long step, String user) {
        int h = user.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), step);
    }
}
