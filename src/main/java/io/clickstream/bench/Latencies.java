package io.clickstream.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies in whole milliseconds as counts per value: exact quantiles in a fixed amount of memory, however long
 * the run. A sample per event as a boxed {@code Long} in a queue costs about 48 bytes: a 10-minute run at 49,000
 * events per second held 1.4 GB of samples, and the job's state was measured in the same heap. Values from
 * {@link #LOW} to {@link #HIGH} (about −65 s to 4.4 min) are counted in an array, any other in a sorted map.
 * Writers record from task threads, the report reads after the job ended: every method is synchronized.
 */
final class Latencies {
    static final long LOW = -(1L << 16);
    static final long HIGH = 1L << 18;

    private final int[] counts = new int[(int) (HIGH - LOW)];
    private final TreeMap<Long, Long> outside = new TreeMap<>();
    private long total;

    synchronized void record(long millis) {
        if (millis >= LOW && millis < HIGH) {
            counts[(int) (millis - LOW)]++;
        } else {
            outside.merge(millis, 1L, Long::sum);
        }
        total++;
    }

    synchronized void addAll(Latencies other) {
        synchronized (other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
            }
            other.outside.forEach((v, n) -> outside.merge(v, n, Long::sum));
            total += other.total;
        }
    }

    synchronized long count() {
        return total;
    }

    /** The least value recorded; -1 when none was. */
    synchronized long min() {
        return total == 0 ? -1 : valueAtRank(1);
    }

    /** The greatest value recorded; -1 when none was. */
    synchronized long max() {
        return total == 0 ? -1 : valueAtRank(total);
    }

    /** The {@code q}-quantile (0..1) by the nearest-rank method; -1 when nothing was recorded. */
    synchronized long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        return valueAtRank(Math.max(1, Math.min(total, rank)));
    }

    /** The value at 1-based {@code rank} in sorted order: values below the array, the array, values above it. */
    private long valueAtRank(long rank) {
        long seen = 0;
        for (Map.Entry<Long, Long> e : outside.headMap(LOW).entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i + LOW;
            }
        }
        for (Map.Entry<Long, Long> e : outside.tailMap(HIGH).entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond the " + total + " values recorded");
    }
}
