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

    /** A cache of {@code bytes} ({@link #cost}). */
    private RecentIds recent(long bytes) {
        return new RecentIds(bytes, HORIZON, (user, held) -> {
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

    private static RecentIds.User manyIds(String prefix, int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = prefix + i;
        }
        return ids(ids);
    }

    /** What {@code users} users holding {@code ids} ids in all take, as the cache counts it. */
    private static long cost(int users, int ids) {
        return (long) users * RecentIds.USER_BYTES + (long) ids * RecentIds.ID_BYTES;
    }

    @Test
    void beyondItsBudgetUsersNotUsedSinceTheyCameLeaveDownToThreeQuartersOfItButNeverTheOneAtHand() throws Exception {
        long budget = cost(4, 8);
        RecentIds recent = recent(budget);
        recent.put("u1", ids("a", "b"));
        recent.put("u2", ids("c"));
        recent.put("u3", ids("d", "e"));
        recent.get("u1");                       // a use: u1 is passed over once, u2 and u3 were not used
        recent.put("u4", ids("f", "g", "h", "i"));   // 4 users, 9 ids: u2 and u3 leave

        assertThat(recent.peek("u2")).isNull();
        assertThat(recent.peek("u3")).isNull();
        assertThat(recent.held()).isEqualTo(cost(2, 6)).isLessThanOrEqualTo(budget - budget / 4);
        assertThat(recent.users()).isEqualTo(2);

        recent.put("u5", manyIds("j", 30));     // more than the budget alone
        assertThat(cost(1, 30)).isGreaterThan(budget);
        assertThat(recent.users()).isEqualTo(1);
        assertThat(recent.get("u5")).isNotNull();
        assertThat(recent.held()).isEqualTo(cost(1, 30));
        assertThat(written).as("nobody had unwritten ids").isEmpty();
    }

    /**
     * A user that left stays known (its ids are in the filters), and comes back with no ids held; its next block's
     * key comes after every block of the users that left, so it cannot replace a block of its own.
     */
    @Test
    void aUserThatLeftStaysKnownAndComesBackWritingBlocksAfterAnyLeftUsers() throws Exception {
        RecentIds recent = recent(cost(2, 2));
        recent.read("u1");
        recent.read("u2");
        recent.put("u1", new RecentIds.User(new SeenEventIds(), 900));
        recent.put("u2", new RecentIds.User(new SeenEventIds(), 500));
        recent.put("u3", ids("a", "b"));        // over: u1 and u2 leave

        assertThat(recent.peek("u1")).isNull();
        assertThat(recent.peek("u2")).isNull();
        assertThat(recent.known("u1")).isTrue();
        assertThat(recent.known("u2")).isTrue();
        assertThat(recent.known("u3")).as("never read").isFalse();
        SeenEventIds none = new SeenEventIds();
        none.setCleanupAt(4_000);
        RecentIds.User back = recent.returning(none);
        assertThat(back.ids.size()).isZero();
        assertThat(back.ids.cleanupAt()).isEqualTo(4_000);
        sight(back, "c", 100);                  // the clock is behind the blocks' keys
        assertThat(back.nextBlock()).isEqualTo(901);
    }

    @Test
    void aUserRemovedOnceItsIdsExpiredIsNoLongerKnown() throws Exception {
        RecentIds recent = recent(cost(10, 10));
        recent.read("u1");
        recent.put("u1", ids("a"));
        recent.remove("u1");

        assertThat(recent.known("u1")).isFalse();
        assertThat(recent.peek("u1")).isNull();
        assertThat(recent.held()).isZero();
    }

    @Test
    void theFiltersHoldTheIdsAddedUntilTheyExpireAndAreNotPartOfTheBudget() throws Exception {
        RecentIds recent = recent(cost(1, 1));
        SeenEventIds parser = new SeenEventIds();
        long a = SlicedIdFilter.hash("u1", parser.hashFor("a"));
        recent.add(a, 1_000);

        assertThat(recent.mayHold(a, 1_000 + HORIZON - 1)).isTrue();
        assertThat(recent.mayHold(SlicedIdFilter.hash("u2", parser.hashFor("a")), 1_000)).as("another user's a").isFalse();
        assertThat(recent.held()).isZero();
        assertThat(recent.filterBytes()).isPositive();
        assertThat(recent.mayHold(a, 1_000 + 2 * HORIZON)).as("its slice expired").isFalse();
        assertThat(recent.filterBytes()).isZero();
    }

    @Test
    void aPeekIsNotAUseSoThePeekedUserLeavesBeforeAUsedOne() throws Exception {
        RecentIds recent = recent(cost(2, 10));
        recent.put("u2", ids("b"));
        recent.put("u1", ids("a"));
        recent.get("u2");
        RecentIds.User u1 = recent.peek("u1");  // as a cleanup timer does: not a use
        recent.put("u3", ids("c", "d", "e"));   // over the budget: one small user leaving is enough

        assertThat(u1).isNotNull();
        assertThat(recent.peek("u1")).as("u1 left: the hand passed over u2, used, and found u1 not").isNull();
        assertThat(recent.peek("u2")).as("had the peek been a use, u2 would have left, the first the hand came back to")
                .isNotNull();
        assertThat(recent.peek("u3")).isNotNull();
        assertThat(recent.users()).isEqualTo(2);
        assertThat(recent.peek("u9")).isNull();
    }

    @Test
    void aUserRemovedOrLeavingIsGoneForPeeksToo() throws Exception {
        RecentIds recent = recent(cost(1, 1));
        recent.put("u1", ids("a"));
        recent.put("u2", ids("b"));             // u1 leaves past the budget
        assertThat(recent.peek("u1")).isNull();
        recent.remove("u2");
        assertThat(recent.peek("u2")).isNull();
        assertThat(recent.users()).isZero();
    }

    @Test
    void itCountsTheBytesAUserGainsAndLoses() throws Exception {
        RecentIds recent = recent(cost(10, 10));
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        u1.ids.firstSighting("b", 1, HORIZON);
        recent.changed("u1", u1);
        assertThat(recent.held()).isEqualTo(cost(1, 2));

        recent.put("u1", ids("a", "b", "c"));   // another value for the same user: replaces the count
        assertThat(recent.held()).isEqualTo(cost(1, 3));
        recent.remove("u1");
        assertThat(recent.held()).isZero();
        assertThat(recent.users()).isZero();
    }

    @Test
    void aUserLeavingWithUnwrittenIdsHasThemWrittenFirst() throws Exception {
        RecentIds recent = recent(cost(2, 3));
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        sight(u1, "b", 5);
        recent.changed("u1", u1);
        recent.put("u2", ids("c", "d"));   // 2 users, 4 ids: u1 leaves

        assertThat(written).containsExactly("u1:1");
        assertThat(u1.lastBlock).isEqualTo(5);
        assertThat(u1.unwritten).isNull();
    }

    @Test
    void aFlushWritesEachUserWithUnwrittenIdsOnceAndKeepsThem() throws Exception {
        RecentIds recent = recent(cost(10, 100));
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
    void aBudgetOfNoUserIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> new RecentIds(cost(1, 1) - 1, HORIZON, (user, held) -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a budget of 345 bytes holds no user: give at least 346, or no cache");
    }
}
