package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.pipeline.ClickstreamJob;
import io.clickstream.pipeline.FlinkSettings;
import io.clickstream.quality.Reason;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.util.ExceptionUtils;
import sun.misc.Signal;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code clickstream run}: the job on an embedded Flink cluster, with a live summary and the web UI. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the pipeline on an embedded Flink cluster. With no options: the built-in "
                + "generator, every output under ./out/, the Flink web UI on localhost.")
public class RunCommand implements Callable<Integer> {
    @Option(names = "--source", paramLabel = "TYPE",
            description = "generator (default), file, kinesis, or dlq (replay a dead-letter output after a fix).")
    String source;

    @Option(names = "--input", paramLabel = "PATH",
            description = "The JSON-lines file to replay (--source file), or the dead-letter folder (--source dlq).")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Input format: json (default), avro or protobuf (docs/formats.md).")
    String format;

    @Option(names = "--output", paramLabel = "DIR", description = "Root of every output: a directory or s3://bucket/prefix (default ./out).")
    String output;

    @Option(names = "--parallelism", paramLabel = "N", description = "Parallelism (default 2; file replays 1).")
    Integer parallelism;

    @Option(names = "--rate", paramLabel = "N", description = "Generator: events per second, 0 for as fast as possible.")
    Long rate;

    @Option(names = "--events", paramLabel = "N", description = "Generator: stop after N records (default: no end).")
    Long events;

    @Option(names = "--seed", paramLabel = "N", description = "Generator: random seed.")
    Long seed;

    @Option(names = "--from-savepoint", paramLabel = "PATH",
            description = "Start from a savepoint or a retained checkpoint (e.g. state/savepoints/savepoint-…).")
    String fromSavepoint;

    @Option(names = "--allow-non-restored-state",
            description = "With --from-savepoint: skip state of operators that no longer exist.")
    boolean allowNonRestoredState;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        AppConfig c = resolve();
        return run(c, fromSavepoint, allowNonRestoredState, env -> ClickstreamJob.fromConfig(c).build(env), "clickstream");
    }

    /** The configuration: defaults, then --config, then --set, then the options above. */
    AppConfig resolve() {
        if (input != null && source == null) {
            source = "file";
        }
        return config.resolve(Arrays.asList(
                new Object[] {Settings.SOURCE_TYPE, source},
                new Object[] {Settings.SOURCE_FILE_PATH, input},
                new Object[] {Settings.SOURCE_FORMAT, format},
                new Object[] {Settings.OUTPUT_PATH, output},
                new Object[] {Settings.PARALLELISM, parallelism},
                new Object[] {Settings.GEN_RATE, rate},
                new Object[] {Settings.GEN_EVENTS, events},
                new Object[] {Settings.GEN_SEED, seed}));
    }

    /** Builds the job into an embedded cluster's environment. */
    interface Topology {
        void addTo(StreamExecutionEnvironment env);
    }

    static int run(AppConfig c, String fromSavepoint, boolean allowNonRestoredState, Topology topology, String jobName)
            throws Exception {
        Configuration flink = FlinkSettings.forJob(c);
        if (fromSavepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, FlinkSettings.uri(fromSavepoint));
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
        }
        int uiPort = c.integer(Settings.WEB_UI_PORT);
        if (uiPort > 0) {
            uiPort = freePort(uiPort);
            flink.set(RestOptions.PORT, uiPort);
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.ADDRESS, "127.0.0.1");
        }
        flink.setString("metrics.reporter.live.factory.class", LiveMetrics.Factory.class.getName());
        int prometheusPort = c.integer(Settings.PROMETHEUS_PORT);
        if (prometheusPort > 0) {
            prometheusPort = freePort(prometheusPort);
            FlinkSettings.prometheus(flink, prometheusPort);
        }
        System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        FileSystem.initialize(flink, null);
        LiveMetrics.reset();

        StreamExecutionEnvironment env = uiPort > 0
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink)
                : StreamExecutionEnvironment.createLocalEnvironment(flink);
        topology.addTo(env);

        String out = c.string(Settings.OUTPUT_PATH);
        System.out.println("clickstream: source " + describeSource(c) + ", output " + FlinkSettings.uri(out)
                + ", parallelism " + FlinkSettings.parallelism(c) + ", checkpoints every "
                + c.duration(Settings.CHECKPOINT_INTERVAL).toSeconds() + "s (" + c.string(Settings.STATE_BACKEND) + ")");
        if (fromSavepoint != null) {
            System.out.println("restoring from " + FlinkSettings.uri(fromSavepoint));
        }
        if (uiPort > 0) {
            System.out.println("Flink web UI: http://localhost:" + uiPort);
        }
        if (prometheusPort > 0) {
            System.out.println("Prometheus metrics: http://localhost:" + prometheusPort + "/metrics");
        }
        JobClient job = env.executeAsync(jobName);
        System.out.println("job " + job.getJobID() + " running; Ctrl-C stops it with a savepoint.");

        LiveSummary summary = new LiveSummary(System.out);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-summary");
            t.setDaemon(true);
            return t;
        });
        long every = c.duration(Settings.SUMMARY_INTERVAL).toMillis();
        if (every > 0) {
            ticker.scheduleAtFixedRate(summary::print, every, every, TimeUnit.MILLISECONDS);
        }
        stopWithSavepointOnCtrlC(job, FlinkSettings.uri(c.string(Settings.SAVEPOINT_DIR)));
        try {
            JobExecutionResult result = job.getJobExecutionResult().get();
            ticker.shutdownNow();
            summary.print();
            printTotals();
            System.out.printf("finished in %.1fs; outputs under %s%n", result.getNetRuntime() / 1000.0, FlinkSettings.uri(out));
            return 0;
        } catch (Exception e) {
            ticker.shutdownNow();
            if (STOPPING.get()) {
                summary.print();
                printTotals();
                return 0;
            }
            System.err.println("job failed: " + rootCause(e));
            System.err.println("(full stack trace in log/clickstream.log)");
            org.slf4j.LoggerFactory.getLogger(RunCommand.class).warn("job failed", e);   // to the log file only
            return 1;
        }
    }

    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static final int SAVEPOINT_ATTEMPTS = 30;

    /**
     * Ctrl-C (SIGINT) or SIGTERM stops the job with a savepoint: the FileSink commits what it has written, and
     * the run can be resumed from the savepoint. A second signal exits at once. (SIGTERM matters where there is
     * no terminal: a service manager, or a shell that started the run in the background with SIGINT ignored.)
     */
    private static void stopWithSavepointOnCtrlC(JobClient job, String savepointDir) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), sig -> stopWithSavepoint(job, savepointDir));
        }
    }

    private static void stopWithSavepoint(JobClient job, String savepointDir) {
        if (!STOPPING.compareAndSet(false, true)) {
            System.err.println("stopping now, without a savepoint");
            Runtime.getRuntime().halt(130);
        }
        System.out.println("\nstopping with a savepoint (Ctrl-C again to exit at once)...");
        Thread t = new Thread(() -> {
            // A job that has just started may not have every task running yet, and Flink then refuses the
            // savepoint: try again for a while before giving up and cancelling.
            for (int attempt = 1; ; attempt++) {
                try {
                    String path = job.stopWithSavepoint(false, savepointDir, SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
                    System.out.println("stopped; savepoint at " + path);
                    return;
                } catch (Exception e) {
                    if (attempt < SAVEPOINT_ATTEMPTS && ExceptionUtils.findThrowable(e, CheckpointException.class).isPresent()) {
                        System.out.println("savepoint refused (" + rootCause(e) + "); retrying in 1 s");
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        continue;
                    }
                    System.err.println("could not take a savepoint (" + rootCause(e) + "); cancelling");
                    job.cancel();
                    return;
                }
            }
        }, "stop-with-savepoint");
        t.start();
    }

    static void printTotals() {
        StringBuilder sb = new StringBuilder("dead letters by reason:");
        boolean any = false;
        for (Reason r : Reason.values()) {
            long n = LiveMetrics.sum(MetricNames.INVALID_BY_REASON + "." + r.name());
            if (n > 0) {
                sb.append(' ').append(r.name()).append('=').append(n);
                any = true;
            }
        }
        System.out.println(any ? sb : "dead letters: none");
        StringBuilder alerts = new StringBuilder("alerts by code:");
        for (String name : LiveMetrics.names()) {
            if (name.startsWith(MetricNames.ALERTS_BY_CODE + ".")) {
                alerts.append(' ').append(name.substring(MetricNames.ALERTS_BY_CODE.length() + 1))
                        .append('=').append(LiveMetrics.sum(name));
            }
        }
        System.out.println(alerts);
    }

    private static String describeSource(AppConfig c) {
        if (c.string(Settings.SOURCE_TYPE).equals("file")) {
            return "file " + c.string(Settings.SOURCE_FILE_PATH);
        }
        if (c.string(Settings.SOURCE_TYPE).equals("dlq")) {
            return "dead letters under " + c.string(Settings.SOURCE_FILE_PATH)
                    + (c.dlqReasons().isEmpty() ? "" : " (reasons " + String.join(", ", c.dlqReasons()) + ")");
        }
        if (c.string(Settings.SOURCE_TYPE).equals("kinesis")) {
            String endpoint = c.string(Settings.KINESIS_ENDPOINT);
            return "kinesis stream " + c.string(Settings.KINESIS_STREAM) + " ("
                    + (endpoint.isEmpty() ? c.string(Settings.KINESIS_REGION) : endpoint) + ", "
                    + c.string(Settings.KINESIS_INITIAL_POSITION) + ", " + c.string(Settings.KINESIS_CONSUMER) + ")";
        }
        long rate = c.longValue(Settings.GEN_RATE);
        long n = c.longValue(Settings.GEN_EVENTS);
        return "generator (seed " + c.longValue(Settings.GEN_SEED) + ", " + (rate > 0 ? rate + " ev/s" : "unthrottled")
                + (n > 0 ? ", " + n + " records" : ", no end") + ")";
    }

    static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** The first free port from {@code preferred} on, so a second local run does not collide with the first. */
    static int freePort(int preferred) {
        for (int p = preferred; p < preferred + 100; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port in " + preferred + ".." + (preferred + 99)
                + " for the web UI; set run.web-ui-port=0 to run without it");
    }
}
