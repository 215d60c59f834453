package io.clickstream.event;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UserTimersTest {
    private static final long MIN = 60_000;

    @Test
    void roundsUpToTheNextPointOfTheUsersGrid() {
        long offset = UserTimers.offset(MIN, "u-7");
        assertThat(offset).isBetween(0L, MIN - 1);
        long point = 10 * MIN + offset;

        assertThat(UserTimers.roundUp(point, MIN, "u-7")).isEqualTo(point);
        assertThat(UserTimers.roundUp(point - MIN + 1, MIN, "u-7")).isEqualTo(point);
        assertThat(UserTimers.roundUp(point + 1, MIN, "u-7")).isEqualTo(point + MIN);
        assertThat(UserTimers.roundUp(-point, MIN, "u-7") % MIN).isIn(offset, offset - MIN);   // negative times too
    }

    @Test
    void usersWithSimilarKeysGetTheirTimersAtDifferentMoments() {
        Set<Long> moments = new HashSet<>();
        for (int u = 0; u < 1_000; u++) {
            moments.add(UserTimers.roundUp(10 * MIN, MIN, "u-" + u));
        }
        // A thousand users on one shared grid would all be at 10 min; here they spread over the minute after it.
        assertThat(moments).hasSizeGreaterThan(950).allMatch(t -> t >= 10 * MIN && t < 11 * MIN);
    }
}
