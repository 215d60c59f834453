package io.clickstream.bench;

import io.clickstream.quality.SeenEventIds;

import java.util.Locale;
import java.util.Random;
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
