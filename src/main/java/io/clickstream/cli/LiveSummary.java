package io.clickstream.cli;

import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The one-line summary the local run prints every few seconds, from the application's own metrics. */
final class LiveSummary {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private long lastTotal;
    private long lastNanos = System.nanoTime();

    LiveSummary(PrintStream out) {
        this.out = out;
    }

    void print() {
        long valid = LiveMetrics.sum(MetricNames.VALID);
        long invalid = LiveMetrics.sum(MetricNames.INVALID);
        long total = valid + invalid;
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        long rate = Math.round((total - lastTotal) / seconds);
        lastTotal = total;
        lastNanos = now;
        out.println(line(LocalTime.now().format(CLOCK), rate, valid, invalid));
    }

    static String line(String clock, long rate, long valid, long invalid) {
        long lag = LiveMetrics.max(MetricNames.WATERMARK_LAG_MS);
        return String.format("%s  %,8d ev/s | valid %,d | invalid %,d | duplicates %,d | late %,d (too late %,d)"
                        + " | pageviews %,d | alerts %,d | watermark lag %s",
                clock, rate, valid, invalid,
                LiveMetrics.sum(MetricNames.DUPLICATES), LiveMetrics.sum(MetricNames.LATE),
                LiveMetrics.sum(MetricNames.TOO_LATE), LiveMetrics.sum(MetricNames.PAGEVIEW_RESULTS),
                LiveMetrics.sum(MetricNames.ALERTS), lag < 0 ? "-" : formatLag(lag));
    }

    static String formatLag(long millis) {
        if (millis < 60_000) {
            return String.format("%.1fs", millis / 1000.0);
        }
        if (millis < 48 * 3_600_000L) {
            return String.format("%dh%02dm", millis / 3_600_000, (millis / 60_000) % 60);
        }
        return String.format("%dd", millis / 86_400_000);
    }
}
