package io.clickstream.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentIdsTest {
    private static final long HORIZON = 60_000;
    /** The users whose unwritten ids were written, in order, with how many ids each. */
    private final List<String> written = new ArrayList<>();

    private RecentIds recent(long budget) {
        return new RecentIds(budget, (user, held) -> {
            written.add(user + ":" + held.unwritten.size());
            held.written(held.nextBlock());
        });
    }

    private static RecentIds.User ids(String... ids) {
        SeenEventIds s = new SeenEventIds();
        for (String id : ids) {
            s.firstSighting(id, 0, HORIZON);
        }
        return new RecentIds.User(s, Long.MIN_VALUE);
    }

    @Test
    void beyondItsBudgetOfIdsTheLeastRecentlyUsedUsersLeaveButNeverTheLastOne() throws Exception {
        RecentIds recent = recent(4);
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
        assertThat(written).as("nobody had unwritten ids").isEmpty();
    }

    @Test
    void aPeekLeavesTheOrderOfUseAloneSoThePeekedUserStillLeavesFirst() throws Exception {
        RecentIds recent = recent(2);
        recent.put("u1", ids("a"));
        recent.put("u2", ids("b"));
        recent.get("u2");
        RecentIds.User u1 = recent.peek("u1");  // as a cleanup timer does: u1 stays the least recently used
        recent.put("u3", ids("c"));             // 3 ids: one user leaves

        assertThat(u1).isNotNull();
        assertThat(recent.peek("u1")).as("u1 left").isNull();
        assertThat(recent.peek("u2")).isNotNull();
        assertThat(recent.peek("u3")).isNotNull();
        assertThat(recent.peek("u9")).isNull();
    }

    @Test
    void aUserRemovedOrLeavingIsGoneForPeeksToo() throws Exception {
        RecentIds recent = recent(1);
        recent.put("u1", ids("a"));
        recent.put("u2", ids("b"));             // u1 leaves past the budget
        assertThat(recent.peek("u1")).isNull();
        recent.remove("u2");
        assertThat(recent.peek("u2")).isNull();
        assertThat(recent.users()).isZero();
    }

    @Test
    void itCountsTheIdsAUserGainsAndLoses() throws Exception {
        RecentIds recent = recent(10);
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        u1.ids.firstSighting("b", 1, HORIZON);
        recent.resized(1);
        assertThat(recent.held()).isEqualTo(2);

        recent.put("u1", ids("a", "b", "c"));   // read again: replaces the count
        assertThat(recent.held()).isEqualTo(3);
        recent.remove("u1");
        assertThat(recent.held()).isZero();
        assertThat(recent.users()).isZero();
    }

    @Test
    void aUserLeavingWithUnwrittenIdsHasThemWrittenFirst() throws Exception {
        RecentIds recent = recent(3);
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        sight(u1, "b", 5);
        recent.resized(1);
        recent.put("u2", ids("c", "d"));   // 4 ids: u1 leaves

        assertThat(written).containsExactly("u1:1");
        assertThat(u1.lastBlock).isEqualTo(5);
        assertThat(u1.unwritten).isNull();
    }

    @Test
    void aFlushWritesEachUserWithUnwrittenIdsOnceAndKeepsThem() throws Exception {
        RecentIds recent = recent(100);
        RecentIds.User u1 = ids();
        RecentIds.User u2 = ids();
        RecentIds.User u3 = ids();
        recent.put("u1", u1);
        recent.put("u2", u2);
        recent.put("u3", u3);
        sight(u1, "a", 7);
        sight(u1, "b", 7);
        sight(u3, "c", 9);

        recent.flush();
        recent.flush();

        assertThat(written).containsExactly("u1:2", "u3:1");
        assertThat(recent.users()).isEqualTo(3);
    }

    @Test
    void aBlockNeverTakesTheKeyOfTheUsersBlockBefore() {
        RecentIds.User u = ids();
        sight(u, "a", 100);
        u.written(u.nextBlock());
        sight(u, "b", 100);   // the same millisecond
        assertThat(u.nextBlock()).isEqualTo(101);
        u.written(u.nextBlock());
        sight(u, "c", 500);
        assertThat(u.nextBlock()).isEqualTo(500);
    }

    /** A new id for {@code u}, as the dedup notes one: added to its ids, then noted for the next block. */
    private static void sight(RecentIds.User u, String id, long at) {
        assertThat(u.ids.firstSighting(id, at, HORIZON)).isTrue();
        u.seen(at);
    }

    @Test
    void theNextBlockHoldsTheNewIdsAsTheirUserHoldsThem() {
        RecentIds.User u = ids("old");
        String uuid = "0b5e9c1e-7c3a-4f43-9a51-0d2f7e3c6b8a";
        sight(u, uuid, 10);
        sight(u, "not-a-uuid", 11);

        assertThat(u.unwritten.size()).isEqualTo(2);
        assertThat(u.unwritten.strings[0]).isNull();   // the UUID as its 128 bits
        assertThat(u.unwritten.strings[1]).isEqualTo("not-a-uuid");
        assertThat(u.unwritten.firstSeen(uuid)).isEqualTo(10L);
        assertThat(u.unwritten.firstSeen("not-a-uuid")).isEqualTo(11L);
        assertThat(u.unwritten.firstSeen("old")).isNull();
        assertThat(u.unwritten.firstSeen(uuid.toUpperCase())).isNull();   // a string of its own, not the UUID
    }

    @Test
    void aBudgetOfNoIdsIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> new RecentIds(0, (user, held) -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a budget of 0 ids: give at least 1, or no cache");
    }
}
