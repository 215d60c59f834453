package io.clickstream.quality;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeenEventIdsTest {
    private static final long HORIZON = 1_000;
    private static final String A = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String B = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    private static List<String> ids(SeenEventIds s) throws Exception {
        List<String> out = new ArrayList<>();
        s.forEach((id, t) -> out.add(id + "@" + t));
        return out;
    }

    @Test
    void onlyCanonicalLowercaseUuidsArePacked() {
        assertThat(SeenEventIds.isUuid(A)).isTrue();
        assertThat(SeenEventIds.isUuid(A.toUpperCase())).isFalse();
        assertThat(SeenEventIds.isUuid(A.replace("-", ""))).isFalse();
        assertThat(SeenEventIds.isUuid(A.substring(1) + "g")).isFalse();
        assertThat(SeenEventIds.isUuid("e-1")).isFalse();
        UUID u = UUID.fromString(A);
        assertThat(SeenEventIds.uuidString(u.getMostSignificantBits(), u.getLeastSignificantBits())).isEqualTo(A);
    }

    @Test
    void aRepeatWithinTheHorizonIsNotNewAndKeepsItsFirstTime() throws Exception {
        SeenEventIds s = new SeenEventIds();
        assertThat(s.firstSighting(A, 100, HORIZON)).isTrue();
        assertThat(s.firstSighting("e-1", 200, HORIZON)).isTrue();
        assertThat(s.firstSighting(A, 1_099, HORIZON)).isFalse();
        assertThat(s.firstSighting("e-1", 300, HORIZON)).isFalse();
        assertThat(ids(s)).containsExactly(A + "@100", "e-1@200");
        // Expired but not yet removed: new again, with the new time, and last in first-seen order.
        assertThat(s.firstSighting(A, 1_100, HORIZON)).isTrue();
        assertThat(ids(s)).containsExactly("e-1@200", A + "@1100");
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void idsAreEqualOnlyIfTheirStringsAre() {
        SeenEventIds s = new SeenEventIds();
        assertThat(s.firstSighting(A, 0, HORIZON)).isTrue();
        assertThat(s.firstSighting(A.toUpperCase(), 0, HORIZON)).isTrue();
        assertThat(s.firstSighting("00000000-0000-0000-0000-000000000000", 0, HORIZON)).isTrue();
        assertThat(s.firstSighting("", 0, HORIZON)).isTrue();
        assertThat(s.firstSighting(B, 0, HORIZON)).isTrue();
        assertThat(s.size()).isEqualTo(5);
        for (String id : List.of(A, A.toUpperCase(), "00000000-0000-0000-0000-000000000000", "", B)) {
            assertThat(s.firstSeen(id)).as(id).isEqualTo(0L);
        }
        assertThat(s.firstSeen("7C9E6679-7425-40DE-944B-E07FC1F90AE7")).isNull();
    }

    @Test
    void expireRemovesOldIdsAndReturnsTheEarliestLeft() throws Exception {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting(A, 0, HORIZON);
        s.firstSighting("e-1", 500, HORIZON);
        s.firstSighting(B, 700, HORIZON);
        assertThat(s.expire(1_000, HORIZON)).isEqualTo(500);
        assertThat(ids(s)).containsExactly("e-1@500", B + "@700");
        assertThat(s.firstSeen(A)).isNull();
        assertThat(s.firstSeen(B)).isEqualTo(700L);
        assertThat(s.expire(1_700, HORIZON)).isEqualTo(Long.MAX_VALUE);
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.firstSeen("e-1")).isNull();
    }

    @Test
    void expireDropsThePrefixInPlaceAndMovesTheIdsDownOnlyOnceAQuarterIsDropped() throws Exception {
        SeenEventIds s = new SeenEventIds(32);
        for (int i = 0; i < 16; i++) {
            s.firstSighting("e-" + i, i, HORIZON);   // seen at 0 .. 15 ms
        }
        long[] arrays = s.seenAt;
        assertThat(s.expire(HORIZON + 2, HORIZON)).isEqualTo(3);      // e-0 .. e-2 expired: a prefix
        assertThat(s.start).isEqualTo(3);
        assertThat(s.seenAt).isSameAs(arrays);
        assertThat(s.size()).isEqualTo(13);
        assertThat(s.firstSeen("e-2")).isNull();
        assertThat(s.firstSeen("e-3")).isEqualTo(3L);
        assertThat(s.firstSighting("e-1", HORIZON + 2, HORIZON)).isTrue();   // dropped: new, appended

        assertThat(s.expire(HORIZON + 4, HORIZON)).isEqualTo(5);      // 5 of 17 positions dropped: moved down
        assertThat(s.start).isEqualTo(0);
        assertThat(s.end).isEqualTo(12);
        assertThat(s.seenAt).isSameAs(arrays);                        // in place: the arrays are its own
        assertThat(ids(s)).startsWith("e-5@5").endsWith("e-15@15", "e-1@" + (HORIZON + 2)).hasSize(12);
        for (int i = 5; i < 16; i++) {
            assertThat(s.firstSeen("e-" + i)).isEqualTo((long) i);
        }
        assertThat(s.firstSighting("e-3", HORIZON + 4, HORIZON)).isTrue();

        // Most expired at once: the ids left move to smaller arrays.
        assertThat(s.expire(HORIZON + 15, HORIZON)).isEqualTo(HORIZON + 2);
        assertThat(ids(s)).containsExactly("e-1@" + (HORIZON + 2), "e-3@" + (HORIZON + 4));
        assertThat(s.seenAt).hasSize(4);
    }

    /** Growing moves no id, so the index stays: rebuilt only as it fills, not on every growth of the arrays. */
    @Test
    void growingTheArraysKeepsTheIndex() {
        SeenEventIds s = new SeenEventIds(2);
        s.firstSighting(A, 0, HORIZON);
        s.firstSighting(B, 1, HORIZON);                 // looked up in the index built for one id
        int[] index = s.index;
        assertThat(index).isNotNull();
        s.firstSighting("e-1", 2, HORIZON);             // the arrays grow from 2 to 4
        assertThat(s.seenAt).hasSize(4);
        assertThat(s.index).isSameAs(index);
        assertThat(s.firstSeen(A)).isEqualTo(0L);
        assertThat(s.firstSeen("e-1")).isEqualTo(2L);
    }

    @Test
    void anIdSeenAgainAfterItExpiredIsDroppedAfterTheIdsFirstSeenBeforeIt() throws Exception {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting(A, 0, HORIZON);
        s.firstSighting(B, 500, HORIZON);
        assertThat(s.firstSighting(A, HORIZON, HORIZON)).isTrue();    // A expired: now seen at 1,000, after B
        assertThat(s.expire(HORIZON + 500, HORIZON)).isEqualTo(HORIZON);
        assertThat(ids(s)).containsExactly(A + "@" + HORIZON);
        assertThat(s.firstSeen(B)).isNull();
        assertThat(s.firstSighting(A, HORIZON + 999, HORIZON)).isFalse();
        assertThat(roundTrip(s).firstSighting(A, HORIZON + 999, HORIZON)).isFalse();
    }

    @Test
    void theSerializerLeavesOutRetiredPositions() throws Exception {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting(A, 0, HORIZON);
        s.firstSighting("e-1", 500, HORIZON);
        s.firstSighting(A, HORIZON, HORIZON);
        assertThat(s.retired).isEqualTo(1);

        SeenEventIds back = roundTrip(s);
        assertThat(ids(back)).containsExactly("e-1@500", A + "@" + HORIZON);
        assertThat(back.size()).isEqualTo(2);
        assertThat(back.retired).isZero();
    }

    /** An earlier version kept an id seen again after it expired in its old position, with its new time. */
    @Test
    void aValueWrittenOutOfOrderIsRestoredInFirstSeenOrder() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeByte(1);
        out.writeInt(3);
        out.writeLong(77);
        out.writeBoolean(false);
        long[][] columns = {{1, 2, 3}, {4, 5, 6}, {900, 100, 500}};   // high bits, low bits, first seen
        for (long[] column : columns) {
            for (long v : column) {
                out.writeLong(v);
            }
        }
        SeenEventIds back = SeenEventIdsSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(ids(back)).containsExactly(SeenEventIds.uuidString(2, 5) + "@100",
                SeenEventIds.uuidString(3, 6) + "@500", SeenEventIds.uuidString(1, 4) + "@900");
        assertThat(back.expire(100 + HORIZON, HORIZON)).isEqualTo(500);
        assertThat(back.firstSeen(SeenEventIds.uuidString(1, 4))).isEqualTo(900L);
        assertThat(back.cleanupAt()).isEqualTo(77);
    }

    /** {@code n} ids: every {@code stringEvery}-th a plain string, the others random UUIDs drawn from {@code r}. */
    private static List<String> idPool(Random r, int n, int stringEvery) {
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pool.add(i % stringEvery == 0 ? "id-" + i : new UUID(r.nextLong(), r.nextLong()).toString());
        }
        return pool;
    }

    /**
     * Random sightings, expiries, copies and restores against a map of first-seen times: the same answers, the
     * same ids in first-seen order, and a copied value's checkpoint bytes unchanged by what the copy does next.
     */
    @Test
    void behavesAsAMapOfFirstSeenTimesThroughSightingsExpiriesCopiesAndRestores() throws Exception {
        Random r = new Random(11);
        List<String> pool = idPool(r, 300, 3);
        java.util.LinkedHashMap<String, Long> model = new java.util.LinkedHashMap<>();
        SeenEventIds s = new SeenEventIds();
        SeenEventIds copied = null;
        byte[] copiedBytes = null;
        long now = 0;
        for (int step = 0; step < 50_000; step++) {
            now += r.nextInt(3);
            int op = r.nextInt(100);
            if (op < 90) {
                String id = pool.get(r.nextInt(pool.size()));
                Long t = model.get(id);
                boolean isNew = t == null || now >= t + HORIZON;
                assertThat(s.firstSighting(id, now, HORIZON)).as("step %d: %s at %d", step, id, now).isEqualTo(isNew);
                if (isNew) {
                    model.remove(id);
                    model.put(id, now);   // last in first-seen order
                }
            } else if (op < 97) {
                final long at = now;
                model.values().removeIf(t -> at >= t + HORIZON);
                long earliest = model.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
                assertThat(s.expire(now, HORIZON)).as("step %d", step).isEqualTo(earliest);
                List<String> expected = new ArrayList<>();
                model.forEach((id, t) -> expected.add(id + "@" + t));
                assertThat(ids(s)).as("step %d", step).isEqualTo(expected);
                assertThat(s.size()).isEqualTo(model.size());
            } else if (op < 99) {
                if (copied != null) {
                    assertThat(bytes(copied)).as("step %d", step).isEqualTo(copiedBytes);
                }
                copied = s;
                copiedBytes = bytes(s);
                s = SeenEventIdsSerializer.INSTANCE.copy(s);   // the task thread goes on with the copy
            } else {
                s = roundTrip(s);
            }
        }
        assertThat(copied).isNotNull();
        assertThat(bytes(copied)).isEqualTo(copiedBytes);
    }

    @Test
    void addLiveTakesTheLiveIdsAndTheLaterTimeOfAnIdInBoth() throws Exception {
        SeenEventIds to = new SeenEventIds();
        to.firstSighting(A, 100, HORIZON);
        to.firstSighting("e-1", 200, HORIZON);
        SeenEventIds from = new SeenEventIds();
        from.firstSighting(B, 50, HORIZON);          // expired at 1,050
        from.firstSighting(A, 900, HORIZON);         // in both: the later time wins
        from.firstSighting("e-1", 150, HORIZON);     // in both: the earlier time loses
        from.firstSighting("e-2", 1_000, HORIZON);
        to.addLive(from, 1_050, HORIZON);
        to.orderByFirstSeen();
        assertThat(ids(to)).containsExactly("e-1@200", A + "@900", "e-2@1000");
        assertThat(ids(from)).containsExactly(B + "@50", A + "@900", "e-1@150", "e-2@1000");   // unchanged
    }

    /** What the dedup did before {@link SeenEventIds#addLive}: each id as a string, looked up and added by it. */
    private static void addLiveByStrings(SeenEventIds to, SeenEventIds from, long now) throws Exception {
        from.forEach((id, firstSeen) -> {
            if (now >= firstSeen + HORIZON) {
                return;
            }
            Long held = to.firstSeen(id);
            if (held == null) {
                to.add(id, firstSeen);
            } else if (firstSeen > held) {
                to.firstSighting(id, firstSeen, 0);
            }
        });
    }

    @Test
    void addLiveHoldsWhatLookingUpAndAddingEachIdAsAStringHeld() throws Exception {
        Random r = new Random(5);
        List<String> pool = idPool(r, 400, 4);
        for (int round = 0; round < 200; round++) {
            SeenEventIds byBits = new SeenEventIds();
            SeenEventIds byStrings = new SeenEventIds();
            long now = 0;
            for (int block = 0; block < 1 + r.nextInt(6); block++) {
                // A block as the dedup writes them: ids in first-seen order, some seen again after they expired.
                SeenEventIds b = new SeenEventIds();
                for (int i = 0; i < r.nextInt(120); i++) {
                    now += r.nextInt(40);
                    b.firstSighting(pool.get(r.nextInt(pool.size())), now, HORIZON);
                }
                long readAt = now + r.nextInt(2 * (int) HORIZON);
                byBits.addLive(b, readAt, HORIZON);
                addLiveByStrings(byStrings, b, readAt);
            }
            byBits.orderByFirstSeen();
            byStrings.orderByFirstSeen();
            assertThat(ids(byBits)).as("round %d", round).isEqualTo(ids(byStrings));
            for (String id : pool) {
                assertThat(byBits.firstSeen(id)).as("round %d: %s", round, id).isEqualTo(byStrings.firstSeen(id));
            }
        }
    }

    @Test
    void findsEveryOneOfManyIdsAndNoOther() {
        Random r = new Random(7);
        SeenEventIds s = new SeenEventIds();
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String id = i % 10 == 0 ? "id-" + i : new UUID(r.nextLong(), r.nextLong()).toString();
            added.add(id);
            assertThat(s.firstSighting(id, i, Long.MAX_VALUE / 2)).isTrue();
        }
        for (int i = 0; i < added.size(); i++) {
            assertThat(s.firstSeen(added.get(i))).isEqualTo((long) i);
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(s.firstSeen(new UUID(r.nextLong(), r.nextLong()).toString())).isNull();
            assertThat(s.firstSeen("id-" + (i * 10 + 1))).isNull();
        }
    }

    @Test
    void serializerRoundTripsUuidAndStringIdsAndTheCleanupTime() throws Exception {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting(A, 10, HORIZON);
        s.firstSighting("e-1", 20, HORIZON);
        s.setCleanupAt(99);
        SeenEventIds back = roundTrip(s);
        assertThat(ids(back)).containsExactly(A + "@10", "e-1@20");
        assertThat(back.cleanupAt()).isEqualTo(99);
        assertThat(back.firstSighting("e-1", 30, HORIZON)).isFalse();
        assertThat(back.firstSighting(B, 30, HORIZON)).isTrue();

        SeenEventIds empty = roundTrip(new SeenEventIds());
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.cleanupAt()).isEqualTo(SeenEventIds.NO_CLEANUP);
    }

    /** The format is in every checkpoint: a change to it must come with a new format byte. */
    @Test
    void formatOneBytesArePinned() throws IOException {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting("00000000-0000-0001-0000-000000000002", 3, HORIZON);
        s.setCleanupAt(4);
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeenEventIdsSerializer.INSTANCE.serialize(s, out);
        assertThat(hex(out.getCopyOfBuffer())).isEqualTo("01" + "00000001" + "0000000000000004" + "00"
                + "0000000000000001" + "0000000000000002" + "0000000000000003");
    }

    @Test
    void anUnknownFormatIsRefusedWithWhatToDo() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[] {2, 0, 0, 0, 0});
        assertThatThrownBy(() -> SeenEventIdsSerializer.INSTANCE.deserialize(in))
                .hasMessageContaining("format 2").hasMessageContaining("newer version");
    }

    @Test
    void aCopyIsIndependent() throws Exception {
        SeenEventIds s = new SeenEventIds();
        s.firstSighting(A, 10, HORIZON);
        s.firstSighting("e-1", 11, HORIZON);   // the second id is looked up in the index, which the copy takes along
        SeenEventIds c = SeenEventIdsSerializer.INSTANCE.copy(s);
        c.firstSighting(B, 20, HORIZON);
        assertThat(s.firstSeen(B)).isNull();
        assertThat(c.firstSeen("e-1")).isEqualTo(11L);
        s.expire(10_000, HORIZON);
        assertThat(ids(s)).isEmpty();
        assertThat(ids(c)).containsExactly(A + "@10", "e-1@11", B + "@20");
        assertThat(c.firstSighting(A, 30, HORIZON)).isFalse();
    }

    @Test
    void aCopySharesTheArraysAndTheOriginalStillWritesWhatItHeldWhenCopied() throws Exception {
        SeenEventIds s = new SeenEventIds(8);
        s.firstSighting(A, 10, HORIZON);
        s.firstSighting("e-1", 11, HORIZON);
        byte[] before = bytes(s);
        SeenEventIds c = SeenEventIdsSerializer.INSTANCE.copy(s);
        assertThat(c.hi).isSameAs(s.hi);                               // no array copied

        // What a checkpoint writing the original sees, while the task thread works on the copy:
        c.firstSighting(B, 20, HORIZON);                               // appended in the shared arrays' free slots
        c.firstSighting("e-2", 21, HORIZON);
        assertThat(c.hi).isSameAs(s.hi);
        c.firstSighting(A, 10 + HORIZON, HORIZON);                     // expired: seen anew, in arrays of its own
        assertThat(c.hi).isNotSameAs(s.hi);
        assertThat(bytes(s)).isEqualTo(before);
        assertThat(ids(s)).containsExactly(A + "@10", "e-1@11");
        assertThat(ids(c)).containsExactly("e-1@11", B + "@20", "e-2@21", A + "@" + (10 + HORIZON));

        // A copy of the copy, then its expiry: the first copy keeps its ids.
        SeenEventIds d = c.copy();
        byte[] copyBefore = bytes(c);
        d.expire(11 + HORIZON, HORIZON);
        assertThat(ids(d)).containsExactly(B + "@20", "e-2@21", A + "@" + (10 + HORIZON));
        assertThat(bytes(c)).isEqualTo(copyBefore);

        // The original, looked up and added to after it was copied, moves to arrays of its own.
        assertThat(s.firstSighting("e-1", 12, HORIZON)).isFalse();
        assertThat(s.firstSighting(B, 30, HORIZON)).isTrue();
        assertThat(s.firstSeen("e-2")).isNull();
        assertThat(ids(s)).containsExactly(A + "@10", "e-1@11", B + "@30");
        assertThat(ids(c)).containsExactly("e-1@11", B + "@20", "e-2@21", A + "@" + (10 + HORIZON));
        assertThat(c.firstSighting(B, 40, HORIZON)).isFalse();
        assertThat(d.firstSighting("e-1", 40, HORIZON)).isTrue();      // expired in d only
    }

    private static byte[] bytes(SeenEventIds s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeenEventIdsSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    private static SeenEventIds roundTrip(SeenEventIds s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SeenEventIdsSerializer.INSTANCE.serialize(s, out);
        return SeenEventIdsSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }
}
