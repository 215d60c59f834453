package io.clickstream.bench;

/**
 * Two forms of one piece of work, timed in one thread in alternating rounds after the same warm-up, so that the
 * JIT has compiled both and a slow stretch of the machine falls on both alike.
 */
final class Alternating {
    static final int WARM_UP_ROUNDS = 4;
    static final int MEASURED_ROUNDS = 5;

    /** One round of one form: the CPU nanoseconds it took. */
    interface Round {
        long nanos() throws Exception;
    }

    private Alternating() {}

    /** The CPU nanoseconds of {@code first} and of {@code second}, each summed over the measured rounds. */
    static long[] totals(Round first, Round second) throws Exception {
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            first.nanos();
            second.nanos();
        }
        long[] totals = new long[2];
        for (int i = 0; i < MEASURED_ROUNDS; i++) {
            totals[0] += first.nanos();
            totals[1] += second.nanos();
        }
        return totals;
    }
}
