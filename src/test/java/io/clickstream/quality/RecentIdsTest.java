package io.clickstream.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentIdsTest {
    private static final long HORIZON = 60_000;

    private static SeenEventIds ids(String... ids) {
        SeenEventIds s = new SeenEventIds();
        for (String id : ids) {
            s.firstSighting(id, 0, HORIZON);
        }
        return s;
    }

    @Test
    void beyondItsBudgetOfIdsTheLeastRecentlyUsedUsersLeaveButNeverTheLastOne() {
        RecentIds recent = new RecentIds(4);
        recent.put("u1", ids("a", "b"));
        recent.put("u2", ids("c"));
        recent.get("u1");                       // u2 is now the least recently used
        recent.put("u3", ids("d", "e"));        // 5 ids: u2 leaves

        assertThat(recent.get("u2")).isNull();
        assertThat(recent.held()).isEqualTo(4);
        assertThat(recent.users()).isEqualTo(2);

        recent.put("u4", ids("f", "g", "h", "i", "j"));   // more than the budget alone: everyone else leaves
        assertThat(recent.users()).isEqualTo(1);
        assertThat(recent.get("u4")).isNotNull();
        assertThat(recent.held()).isEqualTo(5);
    }

    @Test
    void itCountsTheIdsAUserGainsAndLoses() {
        RecentIds recent = new RecentIds(10);
        SeenEventIds u1 = ids("a");
        recent.put("u1", u1);
        u1.firstSighting("b", 1, HORIZON);
        recent.resized(1);
        assertThat(recent.held()).isEqualTo(2);

        recent.put("u1", ids("a", "b", "c"));   // read again: replaces the count
        assertThat(recent.held()).isEqualTo(3);
        recent.remove("u1");
        assertThat(recent.held()).isZero();
        assertThat(recent.users()).isZero();
    }

    @Test
    void aBudgetOfNoIdsIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> new RecentIds(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a budget of 0 ids: give at least 1, or no cache");
    }
}
