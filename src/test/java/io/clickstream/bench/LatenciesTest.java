package io.clickstream.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LatenciesTest {
    /** The nearest-rank quantile of a sorted list, as the report defines it. */
    private static long nearestRank(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    @Test
    void quantilesEqualTheNearestRankOfTheSortedSamplesInsideAndOutsideTheCountedRange() {
        Random random = new Random(7);
        List<Long> all = new ArrayList<>();
        Latencies one = new Latencies();
        Latencies other = new Latencies();
        for (int i = 0; i < 20_000; i++) {
            long v;
            switch (i % 4) {
                case 0: v = random.nextInt(500); break;                                   // milliseconds
                case 1: v = Latencies.HIGH + random.nextInt(1_000_000); break;           // minutes behind
                case 2: v = Latencies.LOW - 1 - random.nextInt(1_000); break;            // far ahead of the clock
                default: v = Latencies.LOW + random.nextInt(3); break;                   // the array's edge
            }
            all.add(v);
            (i % 3 == 0 ? one : other).record(v);
        }
        one.addAll(other);
        Collections.sort(all);

        assertThat(one.count()).isEqualTo(all.size());
        assertThat(one.min()).isEqualTo(all.get(0));
        assertThat(one.max()).isEqualTo(all.get(all.size() - 1));
        for (double q : new double[] {0, 0.001, 0.25, 0.26, 0.5, 0.75, 0.9, 0.99, 0.999, 1}) {
            assertThat(one.quantile(q)).as("quantile %s", q).isEqualTo(nearestRank(all, q));
        }
    }

    @Test
    void theArrayEndsAtHighExclusive() {
        Latencies l = new Latencies();
        l.record(Latencies.HIGH - 1);
        l.record(Latencies.HIGH);
        l.record(Latencies.HIGH);
        assertThat(l.quantile(0.3)).isEqualTo(Latencies.HIGH - 1);
        assertThat(l.quantile(0.5)).isEqualTo(Latencies.HIGH);
        assertThat(l.max()).isEqualTo(Latencies.HIGH);
    }

    @Test
    void nothingRecordedGivesMinusOne() {
        Latencies l = new Latencies();
        assertThat(l.count()).isZero();
        assertThat(l.quantile(0.99)).isEqualTo(-1);
        assertThat(l.min()).isEqualTo(-1);
        assertThat(l.max()).isEqualTo(-1);
    }
}
