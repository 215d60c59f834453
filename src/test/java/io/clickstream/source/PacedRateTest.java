package io.clickstream.source;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacedRateTest {
    private long now;
    /** The waits handed to the scheduler, and their tasks, in order. */
    private final List<Long> waits = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private final PacedRate.Scheduler recording = (nanos, task) -> {
        waits.add(nanos);
        tasks.add(task);
    };

    /** Whether the next record goes through at once; asked of the schedule, not of a timer that may have fired. */
    private static boolean immediate(PacedRate.Limiter limiter) {
        return limiter.nextWaitNanos() == 0;
    }

    @Test
    void recordsWithinAMillisecondOfTheirScheduleGoThroughAtOnce() {
        // 10,000 per second: one record every 100 µs, so the first 11 are due within a millisecond of the start.
        PacedRate.Limiter limiter = new PacedRate.Limiter(10_000, () -> now, recording);
        for (int i = 0; i < 11; i++) {
            assertThat(immediate(limiter)).as("record " + i).isTrue();
        }
        assertThat(limiter.nextWaitNanos()).as("record 11, due 1.1 ms after the start").isEqualTo(1_100_000L);
    }

    @Test
    void aSourceBehindItsScheduleCatchesUpWithoutWaiting() {
        PacedRate.Limiter limiter = new PacedRate.Limiter(1_000, () -> now, recording);
        assertThat(immediate(limiter)).isTrue();
        now = 50_000_000;   // 50 ms later: records 1 to 51 are due
        for (int i = 1; i <= 51; i++) {
            assertThat(immediate(limiter)).as("record " + i).isTrue();
        }
        assertThat(limiter.nextWaitNanos()).as("record 52, due at 52 ms").isEqualTo(2_000_000L);
    }

    @Test
    void aRecordDueNowIsGrantedWithACompletedFutureAndNothingScheduled() {
        PacedRate.Limiter limiter = new PacedRate.Limiter(10_000, () -> now, recording);
        assertThat(limiter.acquire().toCompletableFuture().isDone()).isTrue();
        assertThat(waits).isEmpty();
    }

    @Test
    void aRecordAheadOfItsScheduleWaitsForOneTaskAfterItsExactWait() {
        PacedRate.Limiter limiter = new PacedRate.Limiter(10_000, () -> now, recording);
        for (int i = 0; i < 11; i++) {
            limiter.acquire();
        }
        CompletableFuture<Void> record11 = limiter.acquire().toCompletableFuture();
        assertThat(waits).containsExactly(1_100_000L);
        assertThat(record11).isNotDone();
        tasks.get(0).run();
        assertThat(record11).isDone();
    }

    @Test
    void waitsRunOnOneSharedDaemonThreadNotAThreadEach() throws Exception {
        // CompletableFuture.delayedExecutor's default pool starts a thread per task on fewer than three cores.
        CompletableFuture<Thread> first = new CompletableFuture<>();
        CompletableFuture<Thread> second = new CompletableFuture<>();
        PacedRate.Pacer.after(1_000_000, () -> first.complete(Thread.currentThread()));
        PacedRate.Pacer.after(2_000_000, () -> second.complete(Thread.currentThread()));
        Thread thread = first.get(10, TimeUnit.SECONDS);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(thread);
        assertThat(thread.getName()).isEqualTo("generator pacing");
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void aWaitEndsWhenTheRecordIsDue() throws Exception {
        PacedRate.Limiter limiter = new PacedRate.Limiter(10, System::nanoTime, PacedRate.Pacer::after);
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
