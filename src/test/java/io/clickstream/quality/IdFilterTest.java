package io.clickstream.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdFilterTest {
    private static final long HORIZON = Long.MAX_VALUE / 4;

    private static List<String> ids(Random r, int n, String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i % 5 == 0 ? prefix + i : new UUID(r.nextLong(), r.nextLong()).toString());
        }
        return ids;
    }

    @Test
    void holdsEveryIdAddedThroughEveryGrowthAndFewOthers() {
        Random r = new Random(3);
        IdFilter filter = new IdFilter(100);
        SeenEventIds parser = new SeenEventIds();
        List<String> added = new ArrayList<>();
        // Added in batches beyond its first size, as a slice of the dedup's filters fills: it grows in segments.
        for (int batch = 0; batch < 12; batch++) {
            SeenEventIds held = new SeenEventIds();
            for (String id : ids(r, 2_000 * (batch + 1), "b" + batch + "-")) {
                held.firstSighting(id, 0, HORIZON);
                added.add(id);
            }
            held.forEachLiveHash(0, HORIZON, (hash, firstSeen) -> filter.add(hash));
        }
        assertThat(filter.size()).isEqualTo(added.size());
        for (String id : added) {
            assertThat(filter.mightContain(parser.hashFor(id))).as(id).isTrue();
        }
        int perhaps = 0;
        List<String> absent = ids(r, 200_000, "absent-");
        for (String id : absent) {
            perhaps += filter.mightContain(parser.hashFor(id)) ? 1 : 0;
        }
        // Each segment answers "perhaps" for its own share of absent ids (0.47 % here, from seven segments).
        assertThat(perhaps).as("absent ids the filter may hold").isLessThan(absent.size() / 200);
        assertThat(filter.bytes()).isLessThan(added.size() * 3L);   // 2 bytes per id, and the last segment's room
    }

    @Test
    void oneSegmentFilledToItsSizeAnswersPerhapsForAboutOneAbsentIdInAThousand() {
        Random r = new Random(4);
        List<String> added = ids(r, 50_000, "in-");
        SeenEventIds held = new SeenEventIds();
        for (String id : added) {
            held.firstSighting(id, 0, HORIZON);
        }
        IdFilter filter = new IdFilter(added.size());
        held.forEachLiveHash(0, HORIZON, (hash, firstSeen) -> filter.add(hash));
        int perhaps = 0;
        for (String id : ids(r, 200_000, "out-")) {
            perhaps += filter.mightContain(held.hashFor(id)) ? 1 : 0;
        }
        assertThat(perhaps).as("of 200,000 absent ids (170 with this seed)").isBetween(1, 400);
        assertThat(filter.bytes()).isBetween(added.size() * 2L, added.size() * 2L + 64);   // whole 64-byte blocks
    }

    @Test
    void aUuidIsHashedByItsBitsWhetherHeldOrLookedUp() {
        SeenEventIds held = new SeenEventIds();
        String uuid = "0b5e9c1e-7c3a-4f43-9a51-0d2f7e3c6b8a";
        held.firstSighting(uuid, 0, HORIZON);
        held.firstSighting("e-1", 0, HORIZON);
        IdFilter filter = new IdFilter(1);
        held.forEachLiveHash(0, HORIZON, (hash, firstSeen) -> filter.add(hash));
        SeenEventIds other = new SeenEventIds();
        assertThat(filter.mightContain(other.hashFor(uuid))).isTrue();
        assertThat(filter.mightContain(other.hashFor("e-1"))).isTrue();
        assertThat(held.hashAt(0)).isNotEqualTo(held.hashAt(1));
    }
}
