package io.clickstream.quality;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlicedIdFilterTest {
    private static final long HORIZON = 60_000;
    /** A quarter of the horizon. */
    private static final long SLICE = HORIZON / SlicedIdFilter.SLICES_PER_HORIZON;

    @Test
    void anIdIsHeldUntilEveryIdOfItsSliceHasExpiredAndThenTheSliceGoes() {
        SlicedIdFilter filter = new SlicedIdFilter(HORIZON);
        filter.add(11, 0);                      // slice 0: ids first seen in [0, 15 s)
        filter.add(22, SLICE - 1);              // the same slice's last millisecond
        filter.add(33, SLICE);                  // slice 1
        assertThat(filter.slices()).isEqualTo(2);

        long lastOfSlice0Expires = SLICE - 1 + HORIZON;
        assertThat(filter.mightContain(11, lastOfSlice0Expires - 1)).isTrue();
        assertThat(filter.slices()).isEqualTo(2);
        assertThat(filter.mightContain(33, lastOfSlice0Expires)).isTrue();
        assertThat(filter.slices()).as("slice 0 went").isEqualTo(1);
        assertThat(filter.mightContain(11, lastOfSlice0Expires)).isFalse();
        assertThat(filter.mightContain(22, lastOfSlice0Expires)).isFalse();
        assertThat(filter.mightContain(33, lastOfSlice0Expires + SLICE)).as("slice 1 went too").isFalse();
        assertThat(filter.slices()).isZero();
        assertThat(filter.bytes()).isZero();
    }

    @Test
    void idsOfEarlierTimesGoIntoSlicesOfTheirOwnInOrder() {
        SlicedIdFilter filter = new SlicedIdFilter(HORIZON);
        filter.add(1, 3 * SLICE);
        filter.add(2, SLICE);                   // a user's blocks read after a restore: older ids come later
        filter.add(3, 2 * SLICE + 5);
        filter.add(4, SLICE + 7);

        assertThat(filter.slices()).isEqualTo(3);
        assertThat(filter.size()).isEqualTo(4);
        // At the end of slice 1's horizon only 2 and 4 go.
        long now = 2 * SLICE - 1 + HORIZON;
        assertThat(filter.mightContain(2, now)).isFalse();
        assertThat(filter.mightContain(4, now)).isFalse();
        assertThat(filter.mightContain(3, now)).isTrue();
        assertThat(filter.mightContain(1, now)).isTrue();
        assertThat(filter.slices()).isEqualTo(2);
    }

    /** A slice after a full one starts at its size, so it is not read in a pile of segments. */
    @Test
    void aNewSliceIsSizedForTheMostIdsOfAnySliceHeld() {
        SlicedIdFilter filter = new SlicedIdFilter(HORIZON);
        Random r = new Random(7);
        int ids = 3 * SlicedIdFilter.LEAST_IDS;
        for (int i = 0; i < ids; i++) {
            filter.add(r.nextLong(), 0);
        }
        long first = filter.bytes();
        filter.add(r.nextLong(), SLICE);

        long second = filter.bytes() - first;
        long expected = (long) (ids + ids / 4) * IdFilter.BITS_PER_ID / 8;
        assertThat(second).isBetween(expected, expected + 64);
    }

    /**
     * The first slice of a run starts small; once full, it grows once, for the ids it will get until its end at the
     * rate it got them so far, and a quarter more: one more line to read per lookup, not a pile of segments.
     */
    @Test
    void theLatestSliceOnceFullGrowsOnceForTheRestOfItsTimeAtItsRateSoFar() {
        long slice = 3_600_000;
        SlicedIdFilter filter = new SlicedIdFilter(slice * SlicedIdFilter.SLICES_PER_HORIZON);
        Random r = new Random(8);
        long t = 7 * slice + 1_000;             // a run that starts a second into a slice, one id per millisecond
        int firstIds = SlicedIdFilter.LEAST_IDS + SlicedIdFilter.LEAST_IDS / 4;   // what a first slice is sized for
        for (int i = 0; i < firstIds; i++) {
            filter.add(r.nextLong(), t++);
        }
        long first = filter.bytes();
        assertThat(first).isEqualTo((long) firstIds * IdFilter.BITS_PER_ID / 8);

        while (t < 8 * slice) {
            filter.add(r.nextLong(), t++);
        }
        // It grew on the id after the first segment's last: seen so far over firstIds + 1 ms, the rest of the hour left.
        long seenAt = 7 * slice + 1_000 + firstIds;
        double more = (double) firstIds * (8 * slice - seenAt) / (firstIds + 1);
        long grown = (long) (more + more / 4);
        assertThat(filter.bytes() - first).isBetween(grown * IdFilter.BITS_PER_ID / 8, grown * IdFilter.BITS_PER_ID / 8 + 64);
        assertThat(filter.size()).isEqualTo(slice - 1_000);
        assertThat(filter.slices()).isEqualTo(1);
    }

    @Test
    void aUsersIdAndAnotherUsersSameIdHashApart() {
        SeenEventIds parser = new SeenEventIds();
        long id = parser.hashFor("0b5e9c1e-7c3a-4f43-9a51-0d2f7e3c6b8a");
        SlicedIdFilter filter = new SlicedIdFilter(HORIZON);
        filter.add(SlicedIdFilter.hash("u-1", id), 0);

        assertThat(filter.mightContain(SlicedIdFilter.hash("u-1", id), 0)).isTrue();
        assertThat(SlicedIdFilter.hash("u-2", id)).isNotEqualTo(SlicedIdFilter.hash("u-1", id));
        assertThat(filter.mightContain(SlicedIdFilter.hash("u-2", id), 0)).isFalse();
    }

    @Test
    void aHorizonOfNothingIsRefused() {
        assertThatThrownBy(() -> new SlicedIdFilter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a horizon of 0 ms: give at least 1");
    }
}
