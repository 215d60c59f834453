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
        // Expired but not yet removed: new again, with the new time.
        assertThat(s.firstSighting(A, 1_100, HORIZON)).isTrue();
        assertThat(ids(s)).containsExactly(A + "@1100", "e-1@200");
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
        assertThat(ids(c)).containsExactly(A + "@" + (10 + HORIZON), "e-1@11", B + "@20", "e-2@21");

        // A copy of the copy, then its expiry: the first copy keeps its ids.
        SeenEventIds d = c.copy();
        byte[] copyBefore = bytes(c);
        d.expire(11 + HORIZON, HORIZON);
        assertThat(ids(d)).containsExactly(A + "@" + (10 + HORIZON), B + "@20", "e-2@21");
        assertThat(bytes(c)).isEqualTo(copyBefore);

        // The original, looked up and added to after it was copied, moves to arrays of its own.
        assertThat(s.firstSighting("e-1", 12, HORIZON)).isFalse();
        assertThat(s.firstSighting(B, 30, HORIZON)).isTrue();
        assertThat(s.firstSeen("e-2")).isNull();
        assertThat(ids(s)).containsExactly(A + "@10", "e-1@11", B + "@30");
        assertThat(ids(c)).containsExactly(A + "@" + (10 + HORIZON), "e-1@11", B + "@20", "e-2@21");
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
