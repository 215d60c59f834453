package io.clickstream.analytics;

import java.util.Arrays;

/**
 * One user's state in {@link SlicedHighSpendDetector}: spend per slice (slice start → cents) and how many times a
 * window fired (window end → count), each as two parallel arrays sorted by time. A user holds a few slices (those
 * within window + allowed lateness of the newest) and fewer firing counts, so a scan of a short array replaces
 * a state lookup per slice: the whole value is one state access per purchase, on the heap and in RocksDB.
 *
 * <p>Mutable, and not thread-safe: the heap backend hands the task thread its own copy ({@link #copy}) while a
 * checkpoint writes this one.
 */
public final class SpendSlices {
    long[] starts;
    long[] cents;
    int slices;
    long[] firedEnds;
    int[] firedCounts;
    int fired;

    public SpendSlices() {
        this(4, 0);
    }

    SpendSlices(int sliceCapacity, int firedCapacity) {
        starts = new long[Math.max(1, sliceCapacity)];
        cents = new long[starts.length];
        firedEnds = new long[Math.max(1, firedCapacity)];
        firedCounts = new int[firedEnds.length];
    }

    boolean isEmpty() {
        return slices == 0 && fired == 0;
    }

    /** Adds {@code amount} to the slice starting at {@code start}; true if the slice had no purchase before. */
    boolean add(long start, long amount) {
        int i = Arrays.binarySearch(starts, 0, slices, start);
        if (i >= 0) {
            cents[i] += amount;
            return false;
        }
        int at = -i - 1;
        if (slices == starts.length) {
            starts = Arrays.copyOf(starts, slices * 2);
            cents = Arrays.copyOf(cents, slices * 2);
        }
        System.arraycopy(starts, at, starts, at + 1, slices - at);
        System.arraycopy(cents, at, cents, at + 1, slices - at);
        starts[at] = start;
        cents[at] = amount;
        slices++;
        return true;
    }

    /** The cents of the slices starting in [from, until). */
    long sum(long from, long until) {
        long total = 0;
        for (int i = 0; i < slices && starts[i] < until; i++) {
            if (starts[i] >= from) {
                total += cents[i];
            }
        }
        return total;
    }

    /** Whether a slice starts in [from, until), other than the one at {@code except}. */
    boolean anyIn(long from, long until, long except) {
        for (int i = 0; i < slices && starts[i] < until; i++) {
            if (starts[i] >= from && starts[i] != except) {
                return true;
            }
        }
        return false;
    }

    /**
     * The cents of the {@code count} slices of length {@code slide} from {@code first} on, index by index (0 for a
     * slice without purchases): slices start at multiples of the slide.
     */
    long[] centsFrom(long first, long slide, int count) {
        long[] out = new long[count];
        long until = first + count * slide;
        for (int i = 0; i < slices && starts[i] < until; i++) {
            if (starts[i] >= first) {
                out[(int) ((starts[i] - first) / slide)] = cents[i];
            }
        }
        return out;
    }

    /** How many times the window ending at {@code end} fired, or -1 if none is recorded. */
    int firings(long end) {
        int i = Arrays.binarySearch(firedEnds, 0, fired, end);
        return i >= 0 ? firedCounts[i] : -1;
    }

    void setFirings(long end, int count) {
        int i = Arrays.binarySearch(firedEnds, 0, fired, end);
        if (i >= 0) {
            firedCounts[i] = count;
            return;
        }
        int at = -i - 1;
        if (fired == firedEnds.length) {
            firedEnds = Arrays.copyOf(firedEnds, fired * 2);
            firedCounts = Arrays.copyOf(firedCounts, fired * 2);
        }
        System.arraycopy(firedEnds, at, firedEnds, at + 1, fired - at);
        System.arraycopy(firedCounts, at, firedCounts, at + 1, fired - at);
        firedEnds[at] = end;
        firedCounts[at] = count;
        fired++;
    }

    /**
     * Drops what has expired at {@code watermark}: the slices with start + {@code sliceLife} ≤ watermark and the
     * firing counts with end + {@code windowLife} ≤ watermark. (Compared in this form, a watermark of
     * Long.MIN_VALUE, before the first one arrives, cannot overflow into pruning everything.)
     */
    void prune(long watermark, long sliceLife, long windowLife) {
        int s = 0;
        while (s < slices && starts[s] + sliceLife <= watermark) {
            s++;
        }
        System.arraycopy(starts, s, starts, 0, slices - s);
        System.arraycopy(cents, s, cents, 0, slices - s);
        slices -= s;
        int f = 0;
        while (f < fired && firedEnds[f] + windowLife <= watermark) {
            f++;
        }
        System.arraycopy(firedEnds, f, firedEnds, 0, fired - f);
        System.arraycopy(firedCounts, f, firedCounts, 0, fired - f);
        fired -= f;
    }

    /** A deep copy with its own arrays. */
    SpendSlices copy() {
        SpendSlices c = new SpendSlices(slices, fired);
        System.arraycopy(starts, 0, c.starts, 0, slices);
        System.arraycopy(cents, 0, c.cents, 0, slices);
        System.arraycopy(firedEnds, 0, c.firedEnds, 0, fired);
        System.arraycopy(firedCounts, 0, c.firedCounts, 0, fired);
        c.slices = slices;
        c.fired = fired;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpendSlices)) {
            return false;
        }
        SpendSlices s = (SpendSlices) o;
        return slices == s.slices && fired == s.fired
                && Arrays.equals(starts, 0, slices, s.starts, 0, slices)
                && Arrays.equals(cents, 0, slices, s.cents, 0, slices)
                && Arrays.equals(firedEnds, 0, fired, s.firedEnds, 0, fired)
                && Arrays.equals(firedCounts, 0, fired, s.firedCounts, 0, fired);
    }

    @Override
    public int hashCode() {
        return 31 * slices + fired;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("slices {");
        for (int i = 0; i < slices; i++) {
            b.append(i == 0 ? "" : ", ").append(starts[i]).append('=').append(cents[i]);
        }
        b.append("} fired {");
        for (int i = 0; i < fired; i++) {
            b.append(i == 0 ? "" : ", ").append(firedEnds[i]).append('=').append(firedCounts[i]);
        }
        return b.append('}').toString();
    }
}
