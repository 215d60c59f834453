package io.clickstream.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** The window ends of the recorded results, per name: results come in bursts, one per window end. */
    private static final Map<String, Set<Long>> WINDOW_ENDS = new ConcurrentHashMap<>();

    private final String name;
    private final long delayMillis;
    private final SerializableFunction<T, Long> windowEnd;

    LatencyProbe(String name, long delayMillis, SerializableFunction<T, Long> windowEnd) {
        this.name = name;
        this.delayMillis = delayMillis;
        this.windowEnd = windowEnd;
        SAMPLES.put(name, new CopyOnWriteArrayList<>());
        WINDOW_ENDS.put(name, ConcurrentHashMap.newKeySet());
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
        return WINDOW_ENDS.getOrDefault(name, Set.of()).size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
        Latencies samples = new Latencies();
        SAMPLES.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(samples);
        Set<Long> ends = WINDOW_ENDS.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                Long end = windowEnd.apply(element);
                if (end != null) {
                    samples.record(System.currentTimeMillis() - (end + delayMillis));
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
