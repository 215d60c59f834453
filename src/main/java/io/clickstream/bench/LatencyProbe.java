package io.clickstream.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final String name;
    private final long delayMillis;
    private final SerializableFunction<T, Long> windowEnd;

    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> windowEnd) {
        this.name = name;
        this.delayMillis = delayMillis;
        this.windowEnd = windowEnd;
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
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                Long end = windowEnd.apply(element);
                if (end != null) {
                    long latency = System.currentTimeMillis() - (end + delayMillis);
                    samples.record(latency);
                    ends.merge(end, latency, Math::max);
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
}
