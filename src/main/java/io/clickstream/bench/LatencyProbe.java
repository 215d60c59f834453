package io.clickstream.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that records, for each result, how long after the earliest possible moment it was emitted: the wall
 * clock at the sink minus (the result's window end + the watermark delay). With event time following the wall
 * clock, a window cannot close before its end plus the delay has passed on the clock, so what remains is the
 * pipeline's own latency (watermark interval, queues, timers, back-pressure). Results without a window, or
 * revisions, are skipped ({@code windowEnd} returns null).
 *
 * <p>The benchmark runs an embedded cluster in its own JVM, so the sink's writers report to a static registry,
 * each writer into counts of its own ({@link Latencies}), merged when the report reads them.
 */
final class LatencyProbe<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Latencies>> SAMPLES = new ConcurrentHashMap<>();
    /**
     * Per name, the window ends of the recorded results, each with the largest latency among its results: results
     * come in bursts, one per window end, and the slow ones say which moments of a run were slow.
     */
    private static final Map<String, Map<Long, Long>> WINDOW_ENDS = new ConcurrentHashMap<>();
    /**
     * Per name, the wall-clock moments a checkpoint reached the sink's writers (a writer is flushed as the barrier
     * passes it): where a run's checkpoints fall against the moments its windows close.
     */
    private static final Map<String, List<Long>> CHECKPOINTS = new ConcurrentHashMap<>();
    /**
     * Per name, each writer's largest latency in each second of the wall clock (epoch second → ms): when in a run
     * it was slow. A writer adds a second's entry once the second is over (and the last one when asked), so the
     * cost per result is a compare.
     */
    private static final Map<String, List<PerSecond>> PER_SECOND = new ConcurrentHashMap<>();

    private final String name;
    private final long delayMillis;
    private final SerializableFunction<T, Long> windowEnd;
    /**
     * Whether the value is an event's own time rather than a window end: the latency is then the clock minus the
     * latest event time this writer has seen (event time's frontier), and results are not kept by window end.
     */
    private final boolean eventTime;

    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> windowEnd) {
        this(name, delayMillis, windowEnd, false);
    }

    /**
     * With {@code eventTime}, a probe of every event, whose value is the event's time: how far the latest event time
     * seen trails the clock. An event the source sent out of order (the generator shifts a fifth of them back by up
     * to {@code generator.disorder-max}, 8 s) is not behind by that much: the events after it show where the
     * pipeline is. Nor is it kept by window end, which would be a map entry per millisecond of the run.
     */
    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> value, boolean eventTime) {
        this.name = name;
        this.delayMillis = delayMillis;
        this.windowEnd = value;
        this.eventTime = eventTime;
        PER_SECOND.put(name, new CopyOnWriteArrayList<>());
        SAMPLES.put(name, new CopyOnWriteArrayList<>());
        WINDOW_ENDS.put(name, new ConcurrentHashMap<>());
        CHECKPOINTS.put(name, new CopyOnWriteArrayList<>());
    }

    /** The wall-clock moments (epoch ms) a checkpoint reached a writer under {@code name}, in no particular order. */
    static List<Long> checkpointMoments(String name) {
        return List.copyOf(CHECKPOINTS.getOrDefault(name, List.of()));
    }

    /**
     * How long after a checkpoint reached the sinks the results of windows ending on a minute fall due, for each of
     * {@code checkpoints}, sorted: results are due at each minute + {@code dueAfterMinute} (the watermark delay and
     * the event-time lag), checkpoints come every {@code interval} (a divisor of a minute). Flink starts a job's
     * first checkpoint after a random delay and keeps the interval from there, so this offset is drawn once per run:
     * a small one means each minute's firings meet the asynchronous part of a checkpoint (its copy of the heap state,
     * written on other threads while the task threads fire the timers).
     */
    static long[] dueAfterCheckpoint(List<Long> checkpoints, long dueAfterMinute, long interval) {
        return checkpoints.stream().mapToLong(at -> Math.floorMod(dueAfterMinute - at, interval)).sorted().toArray();
    }

    /** The latencies recorded under {@code name}, by every writer. */
    static Latencies samples(String name) {
        Latencies all = new Latencies();
        for (Latencies writer : SAMPLES.getOrDefault(name, List.of())) {
            all.addAll(writer);
        }
        return all;
    }

    /** The largest latency recorded under {@code name} in each second of the wall clock (epoch second → ms). */
    static SortedMap<Long, Long> worstPerSecond(String name) {
        SortedMap<Long, Long> all = new TreeMap<>();
        for (PerSecond writer : PER_SECOND.getOrDefault(name, List.of())) {
            writer.addTo(all);
        }
        return all;
    }

    /** How many distinct window ends the results recorded under {@code name} have. */
    static int windowEnds(String name) {
        return WINDOW_ENDS.getOrDefault(name, Map.of()).size();
    }

    /** The {@code k} window ends under {@code name} whose slowest result was slowest, slowest first. */
    static List<Map.Entry<Long, Long>> slowestWindowEnds(String name, int k) {
        return slowest(WINDOW_ENDS.getOrDefault(name, Map.of()), k);
    }

    /** The {@code k} entries (window end → largest latency) of largest latency, largest first; ties by window end. */
    static List<Map.Entry<Long, Long>> slowest(Map<Long, Long> byWindowEnd, int k) {
        List<Map.Entry<Long, Long>> all = new ArrayList<>();
        byWindowEnd.forEach((end, latency) -> all.add(Map.entry(end, latency)));
        all.sort(Map.Entry.<Long, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        Latencies samples = new Latencies();
        SAMPLES.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(samples);
        Map<Long, Long> ends = WINDOW_ENDS.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        List<Long> checkpoints = CHECKPOINTS.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        PerSecond perSecond = new PerSecond();
        PER_SECOND.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(perSecond);
        return new SinkWriter<>() {
            /** With {@link #eventTime}: the latest event time this writer has seen. */
            private long frontier = Long.MIN_VALUE;

            @Override
            public void write(T element, Context ctx) {
                Long end = windowEnd.apply(element);
                if (end != null) {
                    long now = System.currentTimeMillis();
                    if (eventTime) {
                        frontier = Math.max(frontier, end);
                        end = frontier;
                    }
                    long latency = now - (end + delayMillis);
                    samples.record(latency);
                    perSecond.record(now / 1000, latency);
                    if (!eventTime) {
                        ends.merge(end, latency, Math::max);
                    }
                }
            }

            @Override
            public void flush(boolean endOfInput) {
                if (!endOfInput) {
                    checkpoints.add(System.currentTimeMillis());
                }
            }

            @Override
            public void close() {}
        };
    }

    /** One writer's largest latency per second: written by the writer's thread, read by the report's. */
    static final class PerSecond {
        private final TreeMap<Long, Long> done = new TreeMap<>();
        private long second = Long.MIN_VALUE;
        private long worst;

        /** Records {@code latency} at epoch second {@code at}; seconds come in order (a writer's clock). */
        void record(long at, long latency) {
            if (at != second) {
                if (second != Long.MIN_VALUE) {
                    synchronized (this) {
                        done.merge(second, worst, Math::max);
                    }
                }
                second = at;
                worst = latency;
            } else if (latency > worst) {
                worst = latency;
            }
        }

        /** Adds this writer's seconds, the current one included, to {@code all}, keeping the larger of two. */
        synchronized void addTo(Map<Long, Long> all) {
            done.forEach((at, ms) -> all.merge(at, ms, Math::max));
            if (second != Long.MIN_VALUE) {
                all.merge(second, worst, Math::max);
            }
        }
    }
}
