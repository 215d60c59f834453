package io.clickstream.source;

import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The generator's rate limit: record {@code i} of a subtask is due at its start + {@code i} / rate. A record that is
 * due (or due within a millisecond) goes through at once; the source waits only when it is further ahead, so it
 * is held back about once a millisecond rather than once per record. After a stall (back-pressure, a checkpoint)
 * it catches up at full speed, so the generated event time keeps following the wall clock.
 *
 * <p>Flink's {@link RateLimiterStrategy#perSecond} hands every record to a limiter thread and back (a future
 * completed by another thread per record): on 2 cores that tops out near 26,000 records per second whatever rate
 * is asked for, below what the job sustains, so a latency run above it measured the generator (docs/benchmarks.md).
 *
 * <p>A wait is one task on a single daemon thread shared by the JVM's limiters ({@link Pacer}). Not
 * {@code CompletableFuture.delayedExecutor}: with fewer than three cores its default pool starts a new thread for
 * every task, hundreds a second at the rates the benchmark asks for, and their start and end were CPU the
 * benchmark counted as the job's.
 */
public final class PacedRate implements RateLimiterStrategy {
    private static final long serialVersionUID = 1L;
    /** How far ahead of its schedule the source may run before it waits. */
    static final long SLACK_NANOS = 1_000_000;

    private final double perSecond;

    public PacedRate(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("a paced rate needs a positive number of records per second, not " + perSecond);
        }
        this.perSecond = perSecond;
    }

    @Override
    public RateLimiter createRateLimiter(int parallelism) {
        return new Limiter(perSecond / parallelism, System::nanoTime, Pacer::after);
    }

    /** Runs a task a given number of nanoseconds from now (on another thread). */
    @FunctionalInterface
    interface Scheduler {
        void after(long nanos, Runnable task);
    }

    /**
     * The limiters' one timer thread: started on a wait, a daemon, so it never holds the JVM up, and ended after 10 s
     * without one, so a finished job's classes are not kept alive by it in a cluster that outlives the job.
     */
    static final class Pacer {
        private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "generator pacing");
            t.setDaemon(true);
            return t;
        });

        static {
            TIMER.setKeepAliveTime(10, TimeUnit.SECONDS);
            TIMER.allowCoreThreadTimeOut(true);
        }

        private Pacer() {}

        static void after(long nanos, Runnable task) {
            TIMER.schedule(task, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One subtask's schedule. Called by the source's task thread only. */
    static final class Limiter implements RateLimiter {
        private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

        private final double nanosPerRecord;
        private final LongSupplier nanoClock;
        private final Scheduler scheduler;
        private long start;
        private long granted;

        Limiter(double perSecond, LongSupplier nanoClock, Scheduler scheduler) {
            this.nanosPerRecord = 1e9 / perSecond;
            this.nanoClock = nanoClock;
            this.scheduler = scheduler;
        }

        @Override
        public CompletionStage<Void> acquire() {
            long wait = nextWaitNanos();
            if (wait == 0) {
                return NOW;
            }
            CompletableFuture<Void> due = new CompletableFuture<>();
            scheduler.after(wait, () -> due.complete(null));
            return due;
        }

        /**
         * Grants the next record and says how long it must wait: 0 when it is due or due within the slack, else the
         * nanoseconds until it is due. Kept apart from {@link #acquire} so the schedule is tested without a timer.
         */
        long nextWaitNanos() {
            long now = nanoClock.getAsLong();
            if (granted == 0) {
                start = now;
            }
            long ahead = start + (long) (granted * nanosPerRecord) - now;
            granted++;
            return ahead <= SLACK_NANOS ? 0 : ahead;
        }
    }
}
