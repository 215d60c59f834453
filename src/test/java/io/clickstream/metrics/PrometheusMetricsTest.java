package io.clickstream.metrics;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.quality.Reason;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.Pipelines;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes the Prometheus endpoint of a running generator job, as a Prometheus server would, and requires every
 * custom metric documented in docs/metrics.md to be there and to move during the run.
 */
class PrometheusMetricsTest {
    private static final String PREFIX = "flink_taskmanager_job_task_operator_kinesisanalytics_clickstream_";

    /** The counters that must rise while the job runs (the generator injects every kind of disorder). */
    static List<String> counters() {
        List<String> names = new ArrayList<>(List.of("valid", "invalid", "duplicates", "late", "tooLate", "alerts",
                "distinct", "pageviewResults"));
        for (Reason r : Reason.values()) {
            // The generator writes no oversized records, and this run is JSON: the binary-format reasons stay at 0.
            if (r != Reason.OVERSIZED && r != Reason.UNDECODABLE && r != Reason.SCHEMA_MISMATCH) {
                names.add("invalidByReason_" + r.name());
            }
        }
        for (String code : List.of("HIGH_SPEND_5M", "PURCHASE_MILESTONE", "inactive_5m", "RAPID_PURCHASES", "CART_ABANDONED")) {
            names.add("alertsByCode_" + code);
        }
        for (String analysis : List.of("pageviews_1m", "attribution", "conversions", "click_to_purchase")) {
            names.add("tooLateByAnalysis_" + analysis);
        }
        for (String output : List.of(OutputSinks.REFINED_CLICKS, OutputSinks.DLQ, OutputSinks.PAGEVIEWS,
                OutputSinks.SESSIONS, OutputSinks.ALERTS, OutputSinks.USER_SPEND, OutputSinks.LATE,
                OutputSinks.ATTRIBUTION, OutputSinks.CONVERSIONS, OutputSinks.CLICK_TO_PURCHASE)) {
            names.add("outputRows_" + output.replace('/', '_'));
        }
        return names;
    }

    @Test
    void everyCustomMetricIsScrapedAndMovesDuringARun(@TempDir Path work) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // 2,000 records/s, event time 100 times faster than the wall clock from a fixed past start: windows,
        // timers and the 30-minute cart timeout all fire within seconds.
        AppConfig config = Pipelines.fileReplay(work.resolve("unused"), work)
                .with(Settings.SOURCE_TYPE, "generator")
                .with(Settings.GEN_RATE, 2000).with(Settings.GEN_EVENT_TIME_RATE, 20)
                .with(Settings.GEN_START, "2024-11-25T00:00:00Z").with(Settings.GEN_USERS, 300)
                .with(Settings.PARALLELISM, 2);
        JobClient job = Pipelines.start(config, null, port);
        try {
            Map<String, Double> first = scrapeUntil(port, Duration.ofSeconds(90), m -> counters().stream()
                    .allMatch(n -> m.getOrDefault(n, 0.0) > 0) && m.containsKey("watermarkLagMs"));
            Map<String, Double> later = scrapeUntil(port, Duration.ofSeconds(60), m -> counters().stream()
                    .allMatch(n -> m.getOrDefault(n, 0.0) > first.get(n)) && !m.get("watermarkLagMs").equals(first.get("watermarkLagMs")));

            for (String name : counters()) {
                assertThat(later.get(name)).as(name).isGreaterThan(first.get(name));
            }
            assertThat(later.get("watermarkLagMs")).as("the lag gauge follows event time").isNotEqualTo(first.get("watermarkLagMs"));
        } finally {
            job.cancel().get();
        }
    }

    /** Scrapes every 500 ms until {@code done} holds for the application's metrics (summed over subtasks). */
    private static Map<String, Double> scrapeUntil(int port, Duration limit, java.util.function.Predicate<Map<String, Double>> done)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, Double> last = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                last = parse(body);
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException notUpYet) {
                // the reporter starts with the first task manager
            }
            Thread.sleep(500);
        }
        Map<String, Double> seen = last;
        List<String> missing = new ArrayList<>();
        for (String n : counters()) {
            missing.add(n + "=" + seen.get(n));
        }
        throw new AssertionError("metrics did not get there within " + limit + ": " + missing);
    }

    /** {@code <PREFIX>name{labels} value} lines → name → sum of values. */
    static Map<String, Double> parse(String exposition) {
        Map<String, Double> sums = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(PREFIX.length(), brace > 0 ? brace : line.indexOf(' '));
            double value = Double.parseDouble(line.substring(space + 1));
            sums.merge(name, value, Double::sum);
        }
        return sums;
    }
}
