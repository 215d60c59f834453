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

    /** The clock the cache reads when it makes a filter. */
    private long now = 1_000;

    /** A cache of {@code ids} ids' worth of bytes. */
    private RecentIds recent(long ids) {
        return new RecentIds(ids * RecentIds.ID_BYTES, (user, held) -> {
            written.add(user + ":" + held.unwritten.size());
            held.written(held.nextBlock());
        }, () -> now);
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

    private static long bytes(int ids) {
        return (long) ids * RecentIds.ID_BYTES;
    }

    @Test
    void beyondItsBudgetTheLeastRecentlyUsedUsersLeaveDownToThreeQuartersOfItButNeverTheLastOne() throws Exception {
        RecentIds recent = recent(8);
        recent.put("u1", ids("a", "b"));
        recent.put("u2", ids("c"));
        recent.put("u3", ids("d", "e"));
        recent.get("u1");                       // u2 is now the least recently used, then u3
        recent.put("u4", ids("f", "g", "h", "i"));   // 9 ids: u2 and u3 leave, down to 6 of 8

        assertThat(recent.peek("u2")).isNull();
        assertThat(recent.peek("u3")).isNull();
        assertThat(recent.held()).isEqualTo(bytes(6));
        assertThat(recent.users()).isEqualTo(2);

        recent.put("u5", ids("j", "k", "l", "m", "n", "o", "p", "q", "r"));   // more than the budget alone
        assertThat(recent.users()).isEqualTo(1);
        assertThat(recent.get("u5")).isNotNull();
        assertThat(recent.held()).isEqualTo(bytes(9));
        assertThat(written).as("nobody had unwritten ids").isEmpty();
    }

    @Test
    void beyondItsBudgetTheLeastRecentlyUsedUsersIdsBecomeFiltersBeforeAnyoneLeaves() throws Exception {
        RecentIds recent = recent(100);
        RecentIds.User u1 = manyIds("a", 40);
        u1.ids.setCleanupAt(777);
        RecentIds.User u2 = manyIds("b", 40);
        recent.put("u1", u1);
        recent.put("u2", u2);
        sight(u1, "a-new", 5);                  // unwritten: written before it is filtered
        recent.changed(u1);
        recent.get("u1");                       // u2 is the least recently used
        now = 2_000;
        recent.put("u3", manyIds("c", 29));     // 110 ids: u2's become a filter, which frees enough

        assertThat(recent.users()).isEqualTo(3);
        assertThat(u2.ids.size()).isZero();
        assertThat(u2.older).isNotNull();
        assertThat(u2.olderSince).isEqualTo(2_000);
        assertThat(u2.older.size()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            assertThat(u2.ids.mayBeIn(u2.older, "b" + i)).isTrue();
        }
        assertThat(u1.older).as("u1 was used after u2, and u2's filter was enough").isNull();
        assertThat(recent.held()).isEqualTo(bytes(41 + 29) + u2.older.bytes());
        assertThat(recent.held()).isLessThanOrEqualTo(bytes(75));
        assertThat(written).as("u2 had nothing unwritten").isEmpty();

        recent.put("u4", manyIds("d", 40));    // over again: u1's ids go next (the least recently used with ids)
        assertThat(written).containsExactly("u1:1");
        assertThat(u1.older).isNotNull();
        assertThat(u1.ids.size()).isZero();
        assertThat(u1.ids.cleanupAt()).as("the pending cleanup stays").isEqualTo(777);
        assertThat(u1.ids.mayBeIn(u1.older, "a-new")).isTrue();
        assertThat(recent.users()).isEqualTo(4);
    }

    @Test
    void aUserWithFewIdsKeepsThemAndLeavesInstead() throws Exception {
        RecentIds recent = recent(20);
        recent.put("u1", manyIds("a", RecentIds.FILTER_LEAST - 1));
        recent.put("u2", manyIds("b", 10));    // 25 ids: u1's are too few to filter, so u1 leaves

        assertThat(recent.peek("u1")).isNull();
        assertThat(recent.users()).isEqualTo(1);
        assertThat(recent.held()).isEqualTo(bytes(10));
    }

    @Test
    void aPeekLeavesTheOrderOfUseAloneSoThePeekedUserStillLeavesFirst() throws Exception {
        RecentIds recent = recent(2);
        recent.put("u1", ids("a"));
        recent.put("u2", ids("b"));
        recent.get("u2");
        RecentIds.User u1 = recent.peek("u1");  // as a cleanup timer does: u1 stays the least recently used
        recent.put("u3", ids("c"));             // 3 ids: users leave

        assertThat(u1).isNotNull();
        assertThat(recent.peek("u1")).as("u1 left").isNull();
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
    void anEvictedUserHasItsUnwrittenIdsWrittenAndIsGone() throws Exception {
        RecentIds recent = recent(100);
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        sight(u1, "b", 3);
        recent.evict("u1");
        recent.evict("u9");                     // not held: nothing happens
        assertThat(written).containsExactly("u1:1");
        assertThat(recent.peek("u1")).isNull();
        assertThat(recent.held()).isZero();
    }

    @Test
    void itCountsTheBytesAUserGainsAndLoses() throws Exception {
        RecentIds recent = recent(10);
        RecentIds.User u1 = ids("a");
        recent.put("u1", u1);
        u1.ids.firstSighting("b", 1, HORIZON);
        recent.changed(u1);
        assertThat(recent.held()).isEqualTo(bytes(2));

        recent.put("u1", ids("a", "b", "c"));   // read again: replaces the count
        assertThat(recent.held()).isEqualTo(bytes(3));
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
        recent.changed(u1);
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
        assertThatThrownBy(() -> new RecentIds(45, (user, held) -> { }, () -> 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a budget of 45 bytes holds no id: give at least 46, or no cache");
    }
}
