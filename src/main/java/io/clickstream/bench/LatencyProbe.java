package io.clickstream.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink that records, for each result, how long after the earliest possible moment it was emitted: the wall
 * clock at the sink minus (the result's window end + the watermark delay). With event time following the wall
 * clock, a window cannot close before its end plus the delay has passed on the clock, so what remains is the
 * pipeline's own latency (watermark interval, queues, timers, back-pressure). Results without a window, or
 * revisions, are skipped ({@code windowEnd} returns null).
 *
 * <p>The benchmark runs an embedded cluster in its own JVM, so the sink's writers report to a static registry.
 */
final class LatencyProbe<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Long>> SAMPLES = new ConcurrentHashMap<>();
    /** The window ends of the recorded results, per name: results come in bursts, one per window end. */
    private static final Map<String, Set<Long>> WINDOW_ENDS = new ConcurrentHashMap<>();

    private final String name;
    private final long delayMillis;
    private final SerializableFunction<T, Long> windowEnd;

    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> windowEnd) {
        this.name = name;
        this.delayMillis = delayMillis;
        this.windowEnd = windowEnd;
        SAMPLES.put(name, new ConcurrentLinkedQueue<>());
        WINDOW_ENDS.put(name, ConcurrentHashMap.newKeySet());
    }

    /** The latencies recorded under {@code name}, sorted. */
    static List<Long> samples(String name) {
        List<Long> sorted = new ArrayList<>(SAMPLES.getOrDefault(name, new ConcurrentLinkedQueue<>()));
        Collections.sort(sorted);
        return sorted;
    }

    /** How many distinct window ends the results recorded under {@code name} have. */
    static int windowEnds(String name) {
        return WINDOW_ENDS.getOrDefault(name, Set.of()).size();
    }

    /** The {@code q}-quantile (0..1) of sorted samples, by the nearest-rank method. */
    static long quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        ConcurrentLinkedQueue<Long> samples = SAMPLES.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        Set<Long> ends = WINDOW_ENDS.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                Long end = windowEnd.apply(element);
                if (end != null) {
                    samples.add(System.currentTimeMillis() - (end + delayMillis));
                    ends.add(end);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
