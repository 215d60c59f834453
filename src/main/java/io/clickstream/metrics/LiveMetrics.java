package io.clickstream.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A metric reporter for the local run: it keeps a handle on the application's own metrics
 * (group {@value MetricNames#GROUP}) of every subtask, so the live summary can add them up in-process.
 * Registered through {@code metrics.reporter.live.factory.class}; it exists only in the embedded cluster.
 */
public final class LiveMetrics implements MetricReporter {
    /**
     * Application metric name → each registration of it, by the registering scope (task, subtask, operator). A
     * finished task's counters stay (the final summary adds them up); a restarted task registers the same scope
     * again and replaces its predecessor.
     */
    private static final Map<String, Map<String, Registered>> METRICS = new ConcurrentHashMap<>();

    private static final class Registered {
        final Metric metric;
        volatile boolean live = true;

        Registered(Metric metric) {
            this.metric = metric;
        }
    }

    private static Collection<Registered> current(String name) {
        return METRICS.getOrDefault(name, Map.of()).values();
    }

    /** Sum of a counter over all subtasks, e.g. {@code sum("valid")} or {@code sum("invalid.MALFORMED_JSON")}. */
    public static long sum(String name) {
        long total = 0;
        for (Registered r : current(name)) {
            if (r.metric instanceof Counter) {
                total += ((Counter) r.metric).getCount();
            }
        }
        return total;
    }

    /** Largest value of a numeric gauge over the running subtasks, or -1 when none has a value. */
    public static long max(String name) {
        long max = -1;
        for (Registered r : current(name)) {
            if (r.live && r.metric instanceof Gauge && ((Gauge<?>) r.metric).getValue() instanceof Number) {
                max = Math.max(max, ((Number) ((Gauge<?>) r.metric).getValue()).longValue());
            }
        }
        return max;
    }

    /** Names of the application metrics seen so far, sorted. */
    public static List<String> names() {
        return new ArrayList<>(new java.util.TreeSet<>(METRICS.keySet()));
    }

    /** Forgets every metric: for a new run in the same JVM. */
    public static void reset() {
        METRICS.clear();
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
            METRICS.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                    .put(group.getMetricIdentifier(metricName), new Registered(metric));
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        String name = appName(metricName, group);
        Registered r = name == null ? null : METRICS.getOrDefault(name, Map.of()).get(group.getMetricIdentifier(metricName));
        if (r != null && r.metric == metric) {
            r.live = false;
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
