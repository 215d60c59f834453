package io.clickstream.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacedRateTest {
    private long now;

    /** Whether the next record goes through at once; asked of the schedule, not of a timer that may have fired. */
    private static boolean immediate(PacedRate.Limiter limiter) {
        return limiter.nextWaitNanos() == 0;
    }

    @Test
    void recordsWithinAMillisecondOfTheirScheduleGoThroughAtOnce() {
        // 10,000 per second: one record every 100 µs, so the first 11 are due within a millisecond of the start.
        PacedRate.Limiter limiter = new PacedRate.Limiter(10_000, () -> now);
        for (int i = 0; i < 11; i++) {
            assertThat(immediate(limiter)).as("record " + i).isTrue();
        }
        assertThat(limiter.nextWaitNanos()).as("record 11, due 1.1 ms after the start").isEqualTo(1_100_000L);
    }

    @Test
    void aSourceBehindItsScheduleCatchesUpWithoutWaiting() {
        PacedRate.Limiter limiter = new PacedRate.Limiter(1_000, () -> now);
        assertThat(immediate(limiter)).isTrue();
        now = 50_000_000;   // 50 ms later: records 1 to 51 are due
        for (int i = 1; i <= 51; i++) {
            assertThat(immediate(limiter)).as("record " + i).isTrue();
        }
        assertThat(limiter.nextWaitNanos()).as("record 52, due at 52 ms").isEqualTo(2_000_000L);
    }

    @Test
    void aRecordDueNowIsGrantedWithACompletedFuture() {
        PacedRate.Limiter limiter = new PacedRate.Limiter(10_000, () -> now);
        assertThat(limiter.acquire().toCompletableFuture().isDone()).isTrue();
    }

    @Test
    void aWaitEndsWhenTheRecordIsDue() throws Exception {
        PacedRate.Limiter limiter = new PacedRate.Limiter(10, System::nanoTime);
        long start = System.nanoTime();
        limiter.acquire();
        limiter.acquire().toCompletableFuture().get();   // record 1, due 100 ms after the first
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(99_000_000L - PacedRate.SLACK_NANOS);
    }

    @Test
    void theRateIsSharedAmongSubtasksAndMustBePositive() {
        assertThat(new PacedRate(20_000).createRateLimiter(2)).isInstanceOf(PacedRate.Limiter.class);
        assertThatThrownBy(() -> new PacedRate(0)).hasMessageContaining("positive");
    }
}
