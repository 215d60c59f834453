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

    private final String name;
    private final long delayMillis;
    private final SerializableFunction<T, Long> windowEnd;

    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> windowEnd) {
        this.name = name;
        this.delayMillis = delayMillis;
        this.windowEnd = windowEnd;
        SAMPLES.put(name, new CopyOnWriteArrayList<>());
        WINDOW_ENDS.put(name, new ConcurrentHashMap<>());
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
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
