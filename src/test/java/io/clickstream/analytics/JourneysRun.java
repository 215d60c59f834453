package io.clickstream.analytics;

import io.clickstream.testing.ScriptedEvents;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs the joins and patterns on a scripted input (explicit watermarks, parallelism 1) and collects every output. */
final class JourneysRun {
    final List<Attribution> attribution = new ArrayList<>();
    final List<Conversion> conversions = new ArrayList<>();
    final List<ClickToPurchase> clickToPurchase = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();
    final List<LateEvent> late = new ArrayList<>();

    /** The defaults of the journeys property group (and the allowed lateness, 30 s). */
    static JourneySettings defaults() {
        return new JourneySettings(Duration.ofSeconds(30), Duration.ofSeconds(10), false, Duration.ofMinutes(5), false,
                Duration.ofSeconds(30), Duration.ofMinutes(10), false, 3, Duration.ofMinutes(1), 1000, false,
                Duration.ofMinutes(30), false, 10_000);
    }

    static JourneysRun run(ScriptedEvents script) throws Exception {
        return run(script, defaults());
    }

    static JourneysRun run(ScriptedEvents script, JourneySettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        env.getConfig().enableObjectReuse();   // as the job runs (pipeline.object-reuse)
        Journeys.Streams s = Journeys.build(script.stream(env), settings);
        JourneysRun run = new JourneysRun();
        try (CloseableIterator<Attribution> at = s.attribution.collectAsync();
             CloseableIterator<Conversion> co = s.conversions.collectAsync();
             CloseableIterator<ClickToPurchase> cp = s.clickToPurchase.collectAsync();
             CloseableIterator<Alert> al = s.alerts.collectAsync();
             CloseableIterator<LateEvent> la = s.late.collectAsync()) {
            env.execute("journeys-test");
            at.forEachRemaining(run.attribution::add);
            co.forEachRemaining(run.conversions::add);
            cp.forEachRemaining(run.clickToPurchase::add);
            al.forEachRemaining(run.alerts::add);
            la.forEachRemaining(run.late::add);
        }
        run.attribution.sort(Comparator.comparing(a -> a.purchaseEventId));
        run.conversions.sort(Comparator.comparing((Conversion c) -> c.userId).thenComparingLong(c -> c.windowStart));
        run.clickToPurchase.sort(Comparator.comparing(m -> m.purchaseEventId));
        run.alerts.sort(Comparator.comparing(a -> a.alertId));
        return run;
    }

    List<Alert> alerts(String code) {
        List<Alert> out = new ArrayList<>();
        for (Alert a : alerts) {
            if (a.code.equals(code)) {
                out.add(a);
            }
        }
        return out;
    }

    List<LateEvent> late(String analysis) {
        List<LateEvent> out = new ArrayList<>();
        for (LateEvent l : late) {
            if (l.analysis.equals(analysis)) {
                out.add(l);
            }
        }
        return out;
    }
}
