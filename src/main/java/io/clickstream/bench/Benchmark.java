package io.clickstream.bench;

import io.clickstream.analytics.Analytics;
import io.clickstream.analytics.AnalyticsSettings;
import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.apache.flink.core.execution.JobClient;
import io.clickstream.analytics.Alert;
import io.clickstream.analytics.HighSpend;
import io.clickstream.analytics.PageviewCount;
import io.clickstream.sql.SqlJob;
import io.clickstream.sql.SqlScript;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import io.clickstream.event.ClickEvent;
import io.clickstream.pipeline.ClickstreamJob;
import io.clickstream.pipeline.ClickstreamJob.Stage;
import io.clickstream.pipeline.FlinkSettings;
import io.clickstream.sink.OutputSinks;
import io.clickstream.source.Sources;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The benchmark: the real topology on the built-in generator at full speed, with exactly-once checkpoints, built
 * up stage by stage (a cost staircase), on heap and RocksDB state; then the high-spend detectors side by side on
 * a stream of purchases. Every run is a job on one embedded Flink cluster ({@link SharedCluster}) in this JVM.
 */
public final class Benchmark {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int WARM_UP_RUNS = 5;
    private static final long START = Instant.parse("2024-11-25T00:00:00Z").toEpochMilli();

    private final AppConfig base;
    private final long records;
    private final long purchases;
    private final long rocksDbRecords;
    private final Path work;
    private final PrintStream out;

    private final long latencySeconds;
    private long latencyRate;
    private Stage latencyStage = Stage.ALL;

    private boolean fullOnly;
    /** The one cluster every job of {@link #run()} runs on. */
    private SharedCluster cluster;
    private int repeats = 3;

    /** How much of the job the latency run builds: {@link Stage#ALL} (the default), or less to see what a part costs. */
    public Benchmark latencyStage(Stage stage) {
        this.latencyStage = stage;
        return this;
    }

    /** Only the warm-up and the full pipeline on heap. */
    public Benchmark fullOnly(boolean fullOnly) {
        this.fullOnly = fullOnly;
        return this;
    }

    /**
     * How many times the full pipeline is measured, on heap and on RocksDB (default 3): single runs differ by 10 – 25 %,
     * the later ones in a JVM usually faster, so each headline is the median of these runs.
     */
    public Benchmark repeats(int repeats) {
        this.repeats = Math.max(1, repeats);
        return this;
    }

    /** The rate of the latency run; 0 (the default) for half the maximum wall rate of the full pipeline. */
    public Benchmark latencyRate(long eventsPerSecond) {
        this.latencyRate = eventsPerSecond;
        return this;
    }

    public Benchmark(AppConfig base, long records, long purchases, long rocksDbRecords, long latencySeconds, Path work,
                     PrintStream out) {
        this.latencySeconds = latencySeconds;
        this.base = base;
        this.records = records;
        this.purchases = purchases;
        this.rocksDbRecords = rocksDbRecords;
        this.work = work;
        this.out = out;
    }

    /**
     * The cores and the JVM, with its garbage collector and maximum heap: the collector alone moves records per
     * CPU-s by a third on this workload (docs/benchmarks.md), so a result names the one it ran with.
     */
    static String jvm() {
        List<String> collectors = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collectors.add(gc.getName());
        }
        return String.format(Locale.ROOT, "%d cores, %s %s, garbage collectors %s, max heap %,d MiB, %s, %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), String.join(" + ", collectors),
                Runtime.getRuntime().maxMemory() >> 20, heapKept() ? "heap kept after collections"
                        : "heap shrunk by each run's full collection", pages());
    }

    /**
     * The heap's pages: 2 MiB transparent huge pages or the system's default, and whether the JVM touched them all
     * at start. Together they changed the rate by about a fifth here (docs/benchmarks.md, "The heap"), so the report
     * says which.
     */
    static String pages() {
        boolean huge = flag("UseTransparentHugePages") || flag("UseLargePages");
        return (huge ? "heap in huge pages" : "heap in default pages")
                + (flag("AlwaysPreTouch") ? ", touched at start" : ", touched as used");
    }

    private static boolean flag(String name) {
        return Boolean.parseBoolean(vmOption(name));
    }

    /** A HotSpot flag's value, or null where this JVM has no such flag (or no HotSpot diagnostics). */
    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /**
     * Whether the JVM keeps the heap it has grown after a full collection. Every measurement starts with
     * {@code System.gc()}; with the JVM's defaults G1 then gives back all but a few hundred MiB (it keeps at most 70 %
     * free, {@code MaxHeapFreeRatio}, down to a minimum of 8 MiB), and the run that follows pays for growing it
     * again: page faults for every region it touches anew and a young generation sized from the small heap. A
     * TaskManager never shrinks (Flink gives it {@code -Xms} equal to {@code -Xmx}); {@code ./clickstream} sets
     * {@code -XX:MaxHeapFreeRatio=100} for the same effect (docs/benchmarks.md, "The heap").
     */
    static boolean heapKept() {
        String freeRatio = vmOption("MaxHeapFreeRatio");
        if (freeRatio != null && Integer.parseInt(freeRatio) >= 100) {
            return true;
        }
        // The minimum heap is a flag of its own from Java 13 on (-Xms sets it); on Java 11 the check above decides.
        String minHeap = vmOption("MinHeapSize");
        return minHeap != null && Long.parseLong(minHeap) >= Runtime.getRuntime().maxMemory();
    }

    /**
     * How a run's rows name its state backend: "heap", or "RocksDB" when {@code --set checkpoint.state-backend=rocksdb}
     * made it the base of every run (the RocksDB row of the full command sets it for that row alone).
     */
    static String state(AppConfig c) {
        return c.string(Settings.STATE_BACKEND).equals("rocksdb") ? "RocksDB" : "heap";
    }

    /**
     * Whether a latency run kept up with its rate, from how far the latest event time seen at the dedup output
     * trailed the wall clock (least, median and p99 in ms). Keeping up, the median event waits tens of milliseconds
     * beyond the start-up (49,000 and 57,000 events/s on 2 cores: 12 - 83 ms); at 65,000 it was 1.4 s, with results seconds
     * late: a second of median queueing is back-pressure, not noise. A job that falls behind only late in the run
     * keeps a small median: RocksDB at 40,000 events/s for 300 s had a median of 0.9 s and ended 93 s behind, so
     * seconds at the p99 count too (a collection or a checkpoint delays events by a fraction of a second).
     */
    static String keptUp(long least, long median, long p99) {
        if (median - least > 1_000) {
            return "**the pipeline fell behind this rate**: the results below include the back-pressure";
        }
        if (p99 - least > 5_000) {
            return "**the pipeline fell behind this rate in part of the run**: the results below include the "
                    + "back-pressure";
        }
        return "the pipeline kept up";
    }

    /**
     * A table of the run in {@code spans} spans of {@code spanMillis} from {@code started} (epoch ms): the largest
     * lag of each (from {@code lagPerSecond}, epoch second → ms, less {@code lagBase}; a second past the last span
     * counts in it) and the checkpoints triggered in it.
     */
    static String overTheRun(long started, long spanMillis, int spans, SortedMap<Long, Long> lagPerSecond, long lagBase,
            List<SharedCluster.Checkpoint> checkpoints) {
        long[] worst = new long[spans];
        Arrays.fill(worst, Long.MIN_VALUE);
        lagPerSecond.forEach((second, ms) -> {
            int i = span(second * 1000, started, spanMillis, spans);
            worst[i] = Math.max(worst[i], ms - lagBase);
        });
        List<List<String>> inSpan = new ArrayList<>();
        for (int i = 0; i < spans; i++) {
            inSpan.add(new ArrayList<>());
        }
        for (SharedCluster.Checkpoint cp : checkpoints) {
            inSpan.get(span(cp.triggeredAt, started, spanMillis, spans)).add(String.format(Locale.ROOT,
                    "%s %,d ms (%,d / %,d / %,d ms; %,d MiB)", cp.outcome == SharedCluster.Outcome.COMPLETED ? "took"
                            : cp.outcome == SharedCluster.Outcome.FAILED ? "**failed**, after" : "still running at the end,",
                    cp.tookMillis, cp.syncMillis, cp.asyncMillis, cp.alignmentMillis, cp.stateBytes >> 20));
        }
        StringBuilder t = new StringBuilder("| from s | lag at most ms | checkpoints (took; sync / async / alignment; size) |\n"
                + "|---:|---:|---|\n");
        for (int i = 0; i < spans; i++) {
            t.append(String.format(Locale.ROOT, "| %d | %s | %s |%n", i * spanMillis / 1000,
                    worst[i] == Long.MIN_VALUE ? "–" : String.format(Locale.ROOT, "%,d", worst[i]),
                    inSpan.get(i).isEmpty() ? "–" : String.join("; ", inSpan.get(i))));
        }
        return t.toString();
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /** The span that {@code at} (epoch ms) falls in; moments before the first or after the last count in those. */
    private static int span(long at, long started, long spanMillis, int spans) {
        return (int) Math.max(0, Math.min(spans - 1, Math.floorDiv(at - started, spanMillis)));
    }

    /** Runs everything; returns the report (Markdown). */
    public String run() throws Exception {
        try (SharedCluster shared = new SharedCluster(FlinkSettings.forJob(base), FlinkSettings.parallelism(base))) {
            cluster = shared;
            return runAll();
        } finally {
            cluster = null;
        }
    }

    private String runAll() throws Exception {
        // Warm-up (not reported): a streaming job runs for days, and what it costs per record is its cost once the
        // JIT has compiled it. The compilers keep working through the first few runs of this job in a JVM (the JIT
        // column: about 7 CPU-s in a first run of 500,000 records, 5 in the second, about 1 from the fourth on;
        // one long run instead of three left 4). Five runs of the measured size come first (the first measured run
        // after three still compiled for 2.6 CPU-s, after five for 0.8), and the JIT column shows what is left.
        for (int i = 1; i <= WARM_UP_RUNS; i++) {
            pipelineOnce("warm-up " + i + "/" + WARM_UP_RUNS, Stage.ALL, true, base);
        }
        String state = state(base);
        if (fullOnly) {
            String full = "full pipeline, " + state;
            List<Measurement> runs = new ArrayList<>();
            for (int i = 1; i <= repeats; i++) {
                runs.add(pipeline(repeatName(full, i), Stage.ALL, true, base));
            }
            StringBuilder r = new StringBuilder(jvm()).append("\n\n").append(Measurement.header()).append('\n');
            runs.forEach(m -> r.append(m.row()).append('\n'));
            return r.append(Measurement.median(full, runs)).toString();
        }
        List<Measurement> stairs = new ArrayList<>();
        stairs.add(pipeline("source → discard", Stage.SOURCE, false, base));
        stairs.add(pipeline("+ JSON decode and validation", Stage.VALIDATE, false, base));
        stairs.add(pipeline("+ watermarks, keyBy, dedup", Stage.DEDUP, false, base));
        stairs.add(pipeline("+ windowed analytics", Stage.ANALYTICS, false, base));
        stairs.add(pipeline("+ joins and CEP (whole job, discarding sinks)", Stage.ALL, false, base));
        Measurement full = pipeline("+ Parquet and JSON-lines file sinks: **full pipeline, " + state + "**", Stage.ALL, true, base);
        stairs.add(full);
        // RocksDB runs are an order of magnitude slower (see docs/benchmarks.md): fewer records, same rates. Their
        // state access is code the heap runs never compiled (a third of an unwarmed RocksDB run's CPU was the JIT):
        // they get a warm-up of their own.
        AppConfig rocksDb = base.with(Settings.STATE_BACKEND, "rocksdb").with(Settings.GEN_EVENTS, rocksDbRecords);
        for (int i = 1; i <= WARM_UP_RUNS; i++) {
            pipelineOnce("warm-up RocksDB " + i + "/" + WARM_UP_RUNS, Stage.ALL, true, rocksDb);
        }
        // RocksDB's rate varies from run to run as much as the heap's (64,000 - 82,500 for one build at 2,000,000
        // records within an hour): it is measured as often, its repeats alternating with the heap's, and its
        // headline is the median too.
        String rocksDbFull = "full pipeline, RocksDB (incremental)";
        List<Measurement> rocksDbRuns = new ArrayList<>();
        rocksDbRuns.add(pipeline(repeatName(rocksDbFull, 1), Stage.ALL, true, rocksDb));
        stairs.add(rocksDbRuns.get(0));
        stairs.add(pipeline("full pipeline, " + state + ", same records as RocksDB", Stage.ALL, true,
                base.with(Settings.GEN_EVENTS, rocksDbRecords)));
        stairs.add(pipeline("full pipeline, " + state + ", checkpoint every 1 s", Stage.ALL, true,
                base.with(Settings.CHECKPOINT_INTERVAL, "1s")));
        stairs.add(pipeline("full pipeline, " + state + ", checkpoint every 60 s", Stage.ALL, true,
                base.with(Settings.CHECKPOINT_INTERVAL, "60s")));
        List<Measurement> fullRuns = new ArrayList<>(List.of(full));
        for (int i = 2; i <= repeats; i++) {
            Measurement again = pipeline(repeatName("full pipeline, " + state, i), Stage.ALL, true, base);
            stairs.add(again);
            fullRuns.add(again);
            Measurement rocksDbAgain = pipeline(repeatName(rocksDbFull, i), Stage.ALL, true, rocksDb);
            stairs.add(rocksDbAgain);
            rocksDbRuns.add(rocksDbAgain);
        }

        out.println("running: the refined/clicks writer alone");
        String writers = WriterBench.run(base, records, work);
        out.print(writers);
        out.println("running: validation alone");
        String decoder = DecoderBench.run(base, records);
        out.print(decoder);
        out.println("running: the event serializer alone");
        String serializer = SerializerBench.run(base, records);
        out.print(serializer);
        out.println("running: the dedup's ids on the heap");
        String dedupMemory = DedupMemoryBench.run();
        out.print(dedupMemory);
        out.println("running: the dedup's filters on RocksDB");
        String dedupFilters = DedupMemoryBench.filters();
        out.print(dedupFilters);

        long latencyRate = this.latencyRate > 0 ? this.latencyRate
                : Math.max(100, Math.round(full.perWallSecond() / 2 / 100) * 100);
        String latency = latencySeconds > 0 ? latency(latencyRate) : "";

        // The detectors' own warm-up: each compiled once before any is measured, so that the ratios compare code the
        // JIT has finished with, not whichever detector ran first.
        for (String kind : new String[] {null, "naive", "sliced", "sql"}) {
            detectorOnce("warm-up " + (kind == null ? "keyed baseline" : kind), kind, Math.max(1, purchases / 2));
        }
        Measurement baseline = detector("purchases → keyBy → discard", null);
        Measurement naive = detector("naive sliding windows", "naive");
        Measurement sliced = detector("slide-pre-aggregated detector", "sliced");
        Measurement hop = detector("Flink SQL HOP (sql/high_spend_5m.sql)", "sql");

        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "%,d generated records (seed %d, %s), parallelism %d, exactly-once "
                        + "checkpoints every %s unless noted; %s.%n%n",
                records, base.longValue(Settings.GEN_SEED), "1 % malformed, 2 % duplicates, 1 % late, 20 % disordered",
                base.integer(Settings.PARALLELISM), base.duration(Settings.CHECKPOINT_INTERVAL).toSeconds() + " s",
                jvm()));
        r.append("Every run is a job on one embedded cluster, started once. Each run is also made with one record: what "
                + "submitting, starting and stopping that job costs (\"startup\"); records / CPU-s and records / wall-s "
                + "are net of it.\n\n");
        r.append(Measurement.header()).append('\n');
        for (Measurement m : stairs) {
            r.append(m.row()).append('\n');
        }
        r.append('\n').append(Measurement.median("full pipeline, " + state, fullRuns));
        r.append('\n').append(Measurement.median(rocksDbFull, rocksDbRuns));
        r.append(writers);
        r.append(decoder);
        r.append(serializer);
        r.append(dedupMemory);
        r.append(dedupFilters);
        r.append(latency);
        r.append(String.format(Locale.ROOT, "%nHigh-spend detectors on %,d parsed purchases (10,000 users, 5 min window, "
                + "1 min slide):%n%n", purchases));
        r.append(Measurement.header()).append('\n');
        for (Measurement m : List.of(baseline, naive, sliced, hop)) {
            r.append(m.row()).append('\n');
        }
        double naiveCpu = detectorCpu(naive, baseline);
        double slicedCpu = detectorCpu(sliced, baseline);
        double hopCpu = detectorCpu(hop, baseline);
        if (Math.min(naiveCpu, Math.min(slicedCpu, hopCpu)) < 0.05) {
            r.append(String.format(Locale.ROOT, "%nToo few purchases (%,d) for the detectors to cost more than their "
                    + "start-up: no ratio.%n", purchases));
        } else {
            r.append(String.format(Locale.ROOT, "%nDetector CPU beyond the keyed baseline, each net of its startup: naive %.2f s (%,.0f purchases / CPU-s), "
                            + "sliced %.2f s (%,.0f purchases / CPU-s), SQL HOP %.2f s (%,.0f purchases / CPU-s): "
                            + "the sliced detector is %.2f× the naive one and %.2f× SQL HOP.%n",
                    naiveCpu, purchases / naiveCpu, slicedCpu, purchases / slicedCpu, hopCpu, purchases / hopCpu,
                    naiveCpu / slicedCpu, hopCpu / slicedCpu));
        }
        return r.toString();
    }

    private String repeatName(String name, int i) {
        return repeats == 1 ? name : String.format(Locale.ROOT, "%s, run %d of %d", name, i, repeats);
    }

    private Measurement pipeline(String name, Stage stage, boolean files, AppConfig config) throws Exception {
        Measurement startup = pipelineOnce(name + " (startup)", stage, files, config.with(Settings.GEN_EVENTS, 1));
        Measurement m = pipelineOnce(name, stage, files, config);
        m.startup = startup;
        out.println("  " + m.row());
        return m;
    }

    private Measurement pipelineOnce(String name, Stage stage, boolean files, AppConfig config) throws Exception {
        String dir = work.resolve("run-" + System.nanoTime()).toString();
        AppConfig c = config.with(Settings.OUTPUT_PATH, dir + "/out").with(Settings.CHECKPOINT_DIR, dir + "/checkpoints");
        long n = c.longValue(Settings.GEN_EVENTS);
        out.printf(Locale.ROOT, "running: %s (%,d records)%n", name, n);
        return Measurement.of(name, n, () -> {
            StreamExecutionEnvironment env = environment(c);
            new ClickstreamJob(c, Sources.fromConfig(c, START),
                    files ? OutputSinks.files(c.string(Settings.OUTPUT_PATH), c.string(Settings.PARQUET_COMPRESSION))
                          : OutputSinks.discarding())
                    .build(env, stage);
            env.execute("bench");
        });
    }

    /**
     * The full pipeline for {@link #latencySeconds} at {@code rate} events per second (half the maximum), with event
     * time following the wall clock; the pageviews and high-spend results go to latency probes. On heap state, or on
     * RocksDB when {@code --set checkpoint.state-backend=rocksdb} made it the base: a sustained run of that backend,
     * with its flushes and compactions, which the bursts are too short to meet.
     */
    private String latency(long rate) throws Exception {
        String dir = work.resolve("run-" + System.nanoTime()).toString();
        long delay = base.duration(Settings.WATERMARK_DELAY).toMillis();
        // No end of input: at an end every window would fire at once. The run is cancelled after latencySeconds, and
        // only results of windows that closed as event time passed are measured.
        // No late events either: a window that only late events fill gets its first result long after its end.
        AppConfig c = base.with(Settings.GEN_RATE, rate).with(Settings.GEN_EVENTS, 0).with(Settings.GEN_LATE_FRACTION, 0)
                .with(Settings.GEN_START, "now")
                .with(Settings.OUTPUT_PATH, dir + "/out").with(Settings.CHECKPOINT_DIR, dir + "/checkpoints");
        OutputSinks d = OutputSinks.discarding();
        // Event time starts at the wall clock when the job is built; the first record comes a start-up later, and
        // the rate limiter's schedule starts with it: the generated event time trails the clock by that constant.
        // It is measured at the dedup output (the least of wall clock − the latest event time seen) and subtracted
        // below. Any lag beyond it is the pipeline falling behind (back-pressure) and counts as latency. The latest
        // time seen, not each event's: a fifth of the events are sent up to 8 s out of order, on purpose.
        OutputSinks probes = new OutputSinks(new LatencyProbe<ClickEvent>("event-time-lag", 0, e -> e.ts, true), d.deadLetters,
                new LatencyProbe<PageviewCount>("pageviews", delay, p -> p.revision == 0 ? p.windowEnd : null),
                d.sessions,
                new LatencyProbe<Alert>("high-spend", delay,
                        a -> a.code.equals(HighSpend.CODE) && a.revision == 0 ? a.windowEnd : null),
                d.userSpend, d.late, d.attribution, d.conversions, d.clickToPurchase);
        out.printf(Locale.ROOT, "running: latency, full pipeline at %,d events/s for %d s%n", rate, latencySeconds);
        long[] started = new long[1];
        List<List<SharedCluster.Checkpoint>> checkpoints = new ArrayList<>();
        Measurement m = Measurement.of("latency", rate * latencySeconds, () -> {
            StreamExecutionEnvironment env = environment(c);
            new ClickstreamJob(c, Sources.fromConfig(c, System.currentTimeMillis()), probes).build(env, latencyStage);
            started[0] = System.currentTimeMillis();
            JobClient job = env.executeAsync("bench-latency");
            Thread.sleep(latencySeconds * 1000);
            checkpoints.add(cluster.checkpoints(job.getJobID()));
            job.cancel().get();
        });
        StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%nLatency: %s (%s) at %,d events "
                + "per second (%s) for %d s, event time following the wall clock. For each "
                + "result: wall clock at emission − (window end + watermark delay %d ms), the earliest moment the window "
                + "can close (%.1f CPU-s; peak heap %,d MiB).%n%n",
                latencyStage == Stage.ALL ? "the full pipeline" : latencyStage == Stage.ANALYTICS
                        ? "the pipeline without the joins and patterns" : "the pipeline up to stage " + latencyStage, state(c),
                rate, this.latencyRate > 0 ? "set with --latency-rate" : "half the maximum wall rate above", latencySeconds,
                delay, m.cpuSeconds,
                m.peakHeapBytes / (1024 * 1024)));
        Latencies lags = LatencyProbe.samples("event-time-lag");
        long lag = lags.count() == 0 ? 0 : lags.min();
        r.append(String.format(Locale.ROOT, "At the dedup output the latest event time seen (not counting events the "
                + "generator sent out of order) trailed the wall clock by at least %,d ms (the job's start-up: subtracted "
                + "below), median %,d ms, p99 %,d ms, at most %,d ms (%s).%n%n",
                lag, lags.quantile(0.5), lags.quantile(0.99), lags.count() == 0 ? 0 : lags.max(),
                keptUp(lag, lags.quantile(0.5), lags.quantile(0.99))));
        // Events, not the generator's records (which include the duplicates and malformed ones): what the job took
        // in, whether or not it kept up, per CPU-second of the whole process.
        r.append(String.format(Locale.ROOT, "%,d events left the dedup (%,d per second of the run): %,.0f per CPU-s.%n%n",
                lags.count(), lags.count() / latencySeconds, lags.count() / Math.max(1e-9, m.cpuSeconds)));
        // Every window of both outputs ends on the minute, so their results come in one burst per minute that the
        // watermark passes: p99 and max are the slowest of those few bursts, which the column "window ends" counts.
        r.append("| output | results | window ends | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        for (String name : new String[] {"pageviews", "high-spend"}) {
            Latencies s = LatencyProbe.samples(name);
            r.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %d | %d |%n", name, s.count(), LatencyProbe.windowEnds(name),
                    s.quantile(0.5) - lag, s.quantile(0.99) - lag, s.count() == 0 ? -1 : s.max() - lag));
        }
        // Which bursts were slow: a tail that comes from a few moments (a collection, a checkpoint, other timers
        // firing at the same mark) shows as those window ends, where p99 alone cannot tell them from a slow run.
        r.append("\nSlowest window ends (UTC, each with its slowest result in ms, as above):");
        for (String name : new String[] {"pageviews", "high-spend"}) {
            StringBuilder ends = new StringBuilder();
            for (Map.Entry<Long, Long> e : LatencyProbe.slowestWindowEnds(name, 5)) {
                ends.append(ends.length() == 0 ? " " : ", ").append(CLOCK.format(Instant.ofEpochMilli(e.getKey())))
                        .append(' ').append(e.getValue() - lag);
            }
            r.append(String.format(Locale.ROOT, " %s:%s;", name, ends.length() == 0 ? " none" : ends));
        }
        r.setLength(r.length() - 1);
        r.append(".\n");
        long interval = c.duration(Settings.CHECKPOINT_INTERVAL).toMillis();
        long runMillis = latencySeconds * 1000;
        // Whole checkpoint intervals, as few as keep the table to about 30 rows.
        long span = interval * Math.max(1, ceilDiv(runMillis, interval * 30));
        r.append(String.format(Locale.ROOT, "%nOver the run, in spans of %d s: the event-time lag at the dedup output "
                + "at most (less the start-up, as above), and the checkpoints triggered in the span (how long each took; "
                + "of its subtasks, the longest synchronous part, which stops the task, the longest asynchronous part, "
                + "the longest barrier alignment; the state's size). A lag that grows through a span and falls in the "
                + "next is work that came all at once: if it meets a checkpoint, the checkpoint.%n%n", span / 1000));
        r.append(overTheRun(started[0], span, (int) ceilDiv(runMillis, span),
                LatencyProbe.worstPerSecond("event-time-lag"), lag, checkpoints.isEmpty() ? List.of() : checkpoints.get(0)));
        long[] due = LatencyProbe.dueAfterCheckpoint(LatencyProbe.checkpointMoments("high-spend"), delay + lag,
                interval);
        if (due.length > 0) {
            r.append(String.format(Locale.ROOT, "%nEach minute's results fell due %,d ms after a checkpoint reached the "
                    + "sinks (median of %d, %,d – %,d; the window end + the watermark delay + the start-up against each "
                    + "checkpoint's barrier at the high-spend sink). Flink starts the first checkpoint after a random "
                    + "part of the interval, so this is drawn once per run; a small value means the minute's firings "
                    + "meet a checkpoint's asynchronous copy of the state (docs/benchmarks.md, Latency).%n",
                    due[due.length / 2], due.length, due[0], due[due.length - 1]));
        }
        out.print(r);
        return r.toString();
    }

    /** One detector on {@code purchases} parsed purchases, net of the same run with one purchase. */
    private Measurement detector(String name, String kind) throws Exception {
        Measurement startup = detectorOnce(name + " (startup)", kind, 1);
        Measurement m = detectorOnce(name, kind, purchases);
        m.startup = startup;
        out.println("  " + m.row());
        return m;
    }

    private Measurement detectorOnce(String name, String kind, long count) throws Exception {
        String dir = work.resolve("run-" + System.nanoTime()).toString();
        AppConfig c = base.with(Settings.CHECKPOINT_DIR, dir + "/checkpoints")
                .with(Settings.HIGH_SPEND_DETECTOR, "naive".equals(kind) ? "naive" : "sliced");
        out.printf(Locale.ROOT, "running: %s (%,d purchases)%n", name, count);
        return Measurement.of(name, count, () -> {
            StreamExecutionEnvironment env = environment(c);
            DataStream<ClickEvent> input = env.fromSource(
                    new DataGeneratorSource<>(new PurchaseStream(START, 10_000, 100), count, TypeInformation.of(ClickEvent.class)),
                    WatermarkStrategy.<ClickEvent>forMonotonousTimestamps().withTimestampAssigner((e, t) -> e.ts),
                    "Purchases").uid("bench-purchases");
            AnalyticsSettings s = AnalyticsSettings.from(c);
            if (kind == null) {
                input.keyBy(e -> e.userId).process(new PassThrough()).uid("bench-pass").sinkTo(new DiscardingSink<>());
            } else if (kind.equals("naive")) {
                Analytics.highSpendNaive(input.keyBy(e -> e.userId), s).sinkTo(new DiscardingSink<>());
            } else if (kind.equals("sql")) {
                hopQuery(env, input, c);
            } else {
                Analytics.highSpendSliced(input.keyBy(e -> e.userId), s).sinkTo(new DiscardingSink<>());
            }
            env.execute("bench-detector");
        });
    }

    /** CPU seconds of a detector run beyond the keyed baseline, each net of its startup. */
    private static double detectorCpu(Measurement m, Measurement baseline) {
        return Math.max(1e-9, (m.cpuSeconds - m.startup.cpuSeconds) - (baseline.cpuSeconds - baseline.startup.cpuSeconds));
    }

    /**
     * The shipped script sql/high_spend_5m.sql (HOP) on the same purchases, its sink table swapped for a blackhole
     * one, as the DataStream detectors write to a discarding sink.
     */
    private static void hopQuery(StreamExecutionEnvironment env, DataStream<ClickEvent> purchases, AppConfig c) {
        StreamTableEnvironment tables = SqlJob.tableEnvironment(env);
        tables.createTemporaryView(SqlJob.CLICKS_TABLE, SqlJob.clicks(tables, purchases));
        List<SqlScript.Statement> script = SqlScript.load("sql/high_spend_5m.sql", c::text).statements();
        tables.executeSql(script.get(0).text.replaceFirst("(?s)\\)\\s*PARTITIONED BY.*$", ") WITH ('connector' = 'blackhole')"));
        StreamStatementSet insert = tables.createStatementSet();
        insert.addInsertSql(script.get(1).text);
        insert.attachAsDataStream();
    }

    private StreamExecutionEnvironment environment(AppConfig c) {
        Configuration flink = FlinkSettings.forJob(c);
        FileSystem.initialize(flink, null);
        return cluster.environment(flink);
    }

    /** Keyed, stateless: the cost every detector run pays before its own work. */
    private static final class PassThrough extends KeyedProcessFunction<String, ClickEvent, ClickEvent> {
        @Override
        public void processElement(ClickEvent e, Context ctx, Collector<ClickEvent> out) {
            out.collect(e);
        }
    }
}
