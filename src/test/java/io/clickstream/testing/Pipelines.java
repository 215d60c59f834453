package io.clickstream.testing;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.pipeline.ClickstreamJob;
import io.clickstream.pipeline.FlinkSettings;
import io.clickstream.metrics.LiveMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs the real job (real sources and file sinks) on the test MiniCluster. */
public final class Pipelines {
    private Pipelines() {}

    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(clusterConfiguration())
                .build());
    }

    /**
     * The shared cluster's own options. Its task manager reads the class-loader leak check from here, not from a
     * job's configuration: Hadoop's configuration classes, cached per JVM, keep the class loader of the first job
     * that wrote Parquet, and in some orders of the tests a later job failed the check on its first use (see
     * {@code FlinkSettings}, which turns the check off for the same reason).
     */
    private static Configuration clusterConfiguration() {
        Configuration c = new Configuration();
        c.setString("classloader.check-leaked-classloader", "false");
        return c;
    }

    /** As {@link #miniCluster()}, with the in-process metric reporter, so a test can read counters from {@code LiveMetrics}. */
    public static MiniClusterExtension miniClusterWithLiveMetrics() {
        Configuration c = clusterConfiguration();
        c.setString("metrics.reporter.live.factory.class", LiveMetrics.Factory.class.getName());
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(c)
                .build());
    }

    /** A configuration that keeps outputs and state under {@code work} and replays {@code input}. */
    public static AppConfig fileReplay(Path input, Path work) {
        return AppConfig.defaults()
                .with(Settings.SOURCE_TYPE, "file")
                .with(Settings.SOURCE_FILE_PATH, input.toAbsolutePath())
                .with(Settings.OUTPUT_PATH, work.resolve("out").toAbsolutePath())
                .with(Settings.CHECKPOINT_DIR, work.resolve("checkpoints").toAbsolutePath())
                .with(Settings.SAVEPOINT_DIR, work.resolve("savepoints").toAbsolutePath())
                .with(Settings.CHECKPOINT_INTERVAL, "1s")
                .with(Settings.RESTART_ATTEMPTS, 0);
    }

    public static StreamExecutionEnvironment environment(AppConfig config) {
        Configuration flink = FlinkSettings.forJob(config);
        return StreamExecutionEnvironment.getExecutionEnvironment(flink);
    }

    /**
     * Starts the job on its own embedded cluster, with the in-process metric reporter (so a test can follow
     * {@code LiveMetrics}), optionally from a savepoint. For tests that stop the job themselves.
     */
    public static JobClient start(AppConfig config, String savepoint) throws Exception {
        return start(config, savepoint, 0);
    }

    /** As {@link #start(AppConfig, String)}, with Flink's Prometheus reporter on {@code prometheusPort} (0: none). */
    public static JobClient start(AppConfig config, String savepoint, int prometheusPort) throws Exception {
        Configuration flink = FlinkSettings.forJob(config);
        if (prometheusPort > 0) {
            FlinkSettings.prometheus(flink, prometheusPort);
        }
        flink.setString("metrics.reporter.live.factory.class", LiveMetrics.Factory.class.getName());
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        FileSystem.initialize(flink, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        ClickstreamJob.fromConfig(config).build(env);
        return env.executeAsync("clickstream-test");
    }

    /**
     * Stops {@code job} with a canonical savepoint into {@code dir} once all its tasks run. A test that stops a job
     * in the middle may find the source well on while a task behind the shuffle is still starting (RocksDB opening,
     * on a busy machine), and Flink declines a savepoint until every task runs (NOT_ALL_REQUIRED_TASKS_RUNNING):
     * then it is asked again, for up to 30 s.
     */
    public static String stopWithSavepoint(JobClient job, String dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get(1, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                boolean starting = ExceptionUtils.findThrowable(e, CheckpointException.class)
                        .map(c -> c.getCheckpointFailureReason() == CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING)
                        .orElse(false);
                if (!starting || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);   // polling the tasks' start, not waiting for a result
            }
        }
    }

    /** Builds the job from the configuration, runs it to the end and returns the output root. */
    public static Path runToEnd(AppConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        ClickstreamJob.fromConfig(config).build(env);
        env.execute("clickstream-test");
        return Path.of(config.string(Settings.OUTPUT_PATH));
    }
}
