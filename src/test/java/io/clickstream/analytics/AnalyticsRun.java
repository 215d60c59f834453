package io.clickstream.analytics;

import io.clickstream.testing.ScriptedEvents;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs the analytics on a scripted input (explicit watermarks, parallelism 1) and collects every output. */
final class AnalyticsRun {
    static final long T0 = 1_732_528_800_000L;  // 2024-11-25T10:00:00Z, a whole minute
    static final long SEC = 1_000;
    static final long MIN = 60_000;

    final List<PageviewCount> pageviews = new ArrayList<>();
    final List<SessionSummary> sessions = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();
    final List<UserSpend> userSpend = new ArrayList<>();
    final List<LateEvent> late = new ArrayList<>();

    static AnalyticsSettings defaults() {
        return new AnalyticsSettings(Duration.ofSeconds(30), Duration.ofMinutes(1), 1000, Duration.ofMinutes(5),
                Duration.ofMinutes(1), false, Duration.ofMinutes(30), Duration.ofMinutes(10), false, Duration.ofMinutes(5),
                true, Duration.ofDays(7), 3, 10_000);
    }

    /** The defaults with {@code cachedUsers} users' values on the heap in front of RocksDB. */
    static AnalyticsSettings withCachedUsers(int cachedUsers) {
        AnalyticsSettings d = defaults();
        return new AnalyticsSettings(d.allowedLateness, d.pageviewsWindow, d.highSpendThreshold, d.highSpendWindow,
                d.highSpendSlide, d.naiveHighSpend, d.sessionGap, d.sessionGapAfterPurchase, d.sessionWindows,
                d.inactivityTimeout, d.inactivityInEventTime, d.spendTtl, d.purchaseMilestone, cachedUsers);
    }

    static AnalyticsSettings naive() {
        AnalyticsSettings d = defaults();
        return new AnalyticsSettings(d.allowedLateness, d.pageviewsWindow, d.highSpendThreshold, d.highSpendWindow,
                d.highSpendSlide, true, d.sessionGap, d.sessionGapAfterPurchase, d.sessionWindows, d.inactivityTimeout,
                d.inactivityInEventTime, d.spendTtl, d.purchaseMilestone, d.cachedUsers);
    }

    static AnalyticsRun run(ScriptedEvents script, AnalyticsSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        env.getConfig().enableObjectReuse();   // as the job runs (pipeline.object-reuse)
        Analytics.Streams s = Analytics.build(script.stream(env), settings);
        AnalyticsRun run = new AnalyticsRun();
        try (CloseableIterator<PageviewCount> pv = s.pageviews.collectAsync();
             CloseableIterator<SessionSummary> se = s.sessions.collectAsync();
             CloseableIterator<Alert> al = s.alerts.collectAsync();
             CloseableIterator<UserSpend> us = s.userSpend.collectAsync();
             CloseableIterator<LateEvent> la = s.late.collectAsync()) {
            env.execute("analytics-test");
            pv.forEachRemaining(run.pageviews::add);
            se.forEachRemaining(run.sessions::add);
            al.forEachRemaining(run.alerts::add);
            us.forEachRemaining(run.userSpend::add);
            la.forEachRemaining(run.late::add);
        }
        return run;
    }

    List<Alert> alerts(String code) {
        List<Alert> out = new ArrayList<>();
        for (Alert a : alerts) {
            if (a.code.equals(code)) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparing((Alert a) -> a.alertId).thenComparingInt(a -> a.revision));
        return out;
    }
}
