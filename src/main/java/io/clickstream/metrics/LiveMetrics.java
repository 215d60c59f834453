package io.clickstream.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A metric reporter for the local run: it keeps a handle on the application's own metrics
 * (group {@value MetricNames#GROUP}) of every subtask, so the live summary can add them up in-process.
 * Registered through {@code metrics.reporter.live.factory.class}; it exists only in the embedded cluster.
 */
public final class LiveMetrics implements MetricReporter {
    private static final Map<String, List<Metric>> METRICS = new ConcurrentHashMap<>();
    /** Metrics of finished or restarted tasks: read only when no live one of that name exists (the final summary). */
    private static final Map<String, List<Metric>> RETIRED = new ConcurrentHashMap<>();

    private static List<Metric> current(String name) {
        List<Metric> live = METRICS.getOrDefault(name, List.of());
        return live.isEmpty() ? RETIRED.getOrDefault(name, List.of()) : live;
    }

    /** Sum of a counter over all subtasks, e.g. {@code sum("valid")} or {@code sum("invalid.MALFORMED_JSON")}. */
    public static long sum(String name) {
        long total = 0;
        for (Metric m : current(name)) {
            if (m instanceof Counter) {
                total += ((Counter) m).getCount();
            }
        }
        return total;
    }

    /** Largest value of a numeric gauge over all subtasks, or -1 when none has a value. */
    public static long max(String name) {
        long max = -1;
        for (Metric m : METRICS.getOrDefault(name, List.of())) {
            if (m instanceof Gauge && ((Gauge<?>) m).getValue() instanceof Number) {
                max = Math.max(max, ((Number) ((Gauge<?>) m).getValue()).longValue());
            }
        }
        return max;
    }

    /** Names of the application metrics seen so far, sorted. */
    public static List<String> names() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(METRICS.keySet());
        names.addAll(RETIRED.keySet());
        return new ArrayList<>(names);
    }

    /** Forgets every metric: for a new run in the same JVM. */
    public static void reset() {
        METRICS.clear();
        RETIRED.clear();
    }

    static String appName(String metricName, MetricGroup group) {
        String[] scope = group.getScopeComponents();
        // The last match: the job name may be "clickstream" too.
        for (int i = scope.length - 1; i >= 0; i--) {
            if (scope[i].equals(MetricNames.GROUP)) {
                StringBuilder sb = new StringBuilder();
                for (int j = i + 1; j < scope.length; j++) {
                    sb.append(scope[j]).append('.');
                }
                return sb.append(metricName).toString();
            }
        }
        return null;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String name = appName(metricName, group);
        if (name != null) {
            RETIRED.remove(name);
            METRICS.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        String name = appName(metricName, group);
        if (name != null && METRICS.getOrDefault(name, new ArrayList<>()).remove(metric)) {
            RETIRED.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(metric);
        }
    }

    /** Flink creates the reporter through this factory. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new LiveMetrics();
        }
    }
}
