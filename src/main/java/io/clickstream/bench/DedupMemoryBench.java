package io.clickstream.bench;

import io.clickstream.quality.SeenEventIds;
import io.clickstream.quality.SlicedIdFilter;

import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The heap the dedup's ids take, per id: {@value #USERS} users' {@link SeenEventIds}, each filled with the same
 * number of random UUIDs and looked up once each (so the index exists, as in a running job), heap in use after a
 * full collection against before. The dedup holds valid events per second × {@code dedup.horizon} ids, so this
 * is what sizing the horizon to the memory needs (docs/configuration.md). Arrays double as they grow, so bytes per
 * id depend on how full they are: several sizes are measured.
 */
final class DedupMemoryBench {
    static final int USERS = 2_000;
    static final int[] IDS_PER_USER = {100, 1_000, 1_450, 2_000, 3_000};

    private DedupMemoryBench() {}

    /** Returns the report line (Markdown). */
    static String run() throws InterruptedException {
        StringBuilder sizes = new StringBuilder();
        double least = Double.MAX_VALUE;
        double most = 0;
        double sum = 0;
        for (int perUser : IDS_PER_USER) {
            double bytes = bytesPerId(perUser);
            least = Math.min(least, bytes);
            most = Math.max(most, bytes);
            sum += bytes;
            sizes.append(String.format(Locale.ROOT, "%s%,d ids: %.1f", sizes.length() == 0 ? "" : ", ", perUser, bytes));
        }
        return String.format(Locale.ROOT, "%nThe dedup's ids on the heap (%,d users' values, random UUIDs, heap after a "
                        + "full collection): %.0f – %.0f bytes per id, mean %.0f, by ids per user: %s.%n",
                USERS, least, most, sum / IDS_PER_USER.length, sizes);
    }

    /** New ids a second in the filters' run: one dedup subtask's share at 10,000 events per second. */
    static final int FILTER_IDS_PER_SECOND = 5_000;
    static final long HOUR = 3_600_000;

    /**
     * The dedup's filters on RocksDB ({@link SlicedIdFilter}) after an hour of ids at {@value #FILTER_IDS_PER_SECOND}
     * a second with the default one-hour horizon, the run starting halfway through a slice as a job does: their bits
     * per id held. Their size follows the rate (each slice is sized by the ones before), so the bytes per id are
     * what sizing the heap needs. Returns the report line (Markdown).
     */
    static String filters() {
        SlicedIdFilter filter = new SlicedIdFilter(HOUR);
        SplittableRandom random = new SplittableRandom(42);
        long start = 10 * HOUR + HOUR / 8;
        long ids = FILTER_IDS_PER_SECOND * (HOUR / 1_000);
        for (long i = 0; i < ids; i++) {
            filter.add(random.nextLong(), start + i * 1_000 / FILTER_IDS_PER_SECOND);
        }
        return String.format(Locale.ROOT, "%nThe dedup's filters on RocksDB (one subtask, %,d new ids a second for an "
                        + "hour, the horizon's default): %.2f bytes per id, %.1f MB for %,d ids.%n",
                FILTER_IDS_PER_SECOND, filter.bytes() / (double) filter.size(), filter.bytes() / 1e6, filter.size());
    }

    private static double bytesPerId(int perUser) throws InterruptedException {
        Random random = new Random(perUser);
        long before = usedAfterGc();
        SeenEventIds[] users = new SeenEventIds[USERS];
        for (int u = 0; u < USERS; u++) {
            users[u] = new SeenEventIds();
        }
        long now = 0;
        for (int i = 0; i < perUser; i++) {
            for (SeenEventIds user : users) {
                // A horizon no test reaches: every id stays.
                user.firstSighting(new UUID(random.nextLong(), random.nextLong()).toString(), now++, Long.MAX_VALUE / 4);
            }
        }
        long after = usedAfterGc();
        long ids = 0;
        for (SeenEventIds user : users) {
            ids += user.size();
        }
        return (after - before) / (double) ids;
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
