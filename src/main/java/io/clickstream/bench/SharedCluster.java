package io.clickstream.bench;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One embedded Flink cluster that runs every job of a benchmark, as one TaskManager runs a job for days.
 *
 * <p>A local environment ({@code StreamExecutionEnvironment.createLocalEnvironment}) starts a cluster of its own for
 * each job, and every cluster loads Flink's RPC system (Pekko and Scala, about 1,460 classes) from a fresh copy of
 * its JAR in a class loader of its own. The JIT compiled that code anew in every run and threw the compiled code
 * away when the cluster's classes were unloaded, so each measured run carried compiling that a running cluster does
 * once. Here the cluster starts once; each job is compiled to a {@link JobGraph} with its own configuration (state
 * backend, checkpoint interval and directory, parallelism: all settings of a job, as {@code LocalExecutor} applies
 * them) and submitted to it.
 */
final class SharedCluster implements PipelineExecutorServiceLoader, AutoCloseable {
    private static final String NAME = "clickstream-bench-shared-cluster";

    private final MiniCluster cluster;

    /**
     * Starts a cluster of one TaskManager with {@code slots} slots, configured by {@code flink} (its managed memory,
     * network buffers: the settings of a TaskManager, which a job cannot change).
     */
    SharedCluster(Configuration flink, int slots) throws Exception {
        Configuration conf = new Configuration(flink);
        if (!conf.contains(RestOptions.BIND_PORT)) {
            conf.set(RestOptions.BIND_PORT, "0");
        }
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // Every checkpoint of a run, not the last ten: the latency run reports them all (checkpoints()).
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .build());
        cluster.start();
    }

    /** An environment whose {@code execute} and {@code executeAsync} run the job on this cluster. */
    StreamExecutionEnvironment environment(Configuration job) {
        Configuration conf = new Configuration(job);
        conf.set(DeploymentOptions.TARGET, NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(this, conf, SharedCluster.class.getClassLoader());
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public boolean isCompatibleWith(Configuration configuration) {
                return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration configuration) {
                return SharedCluster.this::submit;
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(NAME);
    }

    private CompletableFuture<JobClient> submit(Pipeline pipeline, Configuration configuration, ClassLoader classLoader)
            throws Exception {
        JobGraph job = PipelineExecutorUtils.getJobGraph(pipeline, configuration, classLoader);
        return cluster.submitJob(job).thenApply(submitted -> new MiniClusterJobClient(submitted.getJobID(), cluster,
                classLoader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }

    /** What a job's checkpoints took so far, oldest first, as its JobManager keeps them. */
    List<Checkpoint> checkpoints(JobID job) throws Exception {
        List<Checkpoint> all = new ArrayList<>();
        for (AbstractCheckpointStats c : cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getHistory()
                .getCheckpoints()) {
            long sync = 0;
            long async = 0;
            long alignment = 0;
            for (TaskStateStats task : c.getAllTaskStateStats()) {
                if (task.getNumberOfAcknowledgedSubtasks() > 0) {
                    sync = Math.max(sync, task.getSummaryStats().getSyncCheckpointDurationStats().getMaximum());
                    async = Math.max(async, task.getSummaryStats().getAsyncCheckpointDurationStats().getMaximum());
                    alignment = Math.max(alignment, task.getSummaryStats().getAlignmentDurationStats().getMaximum());
                }
            }
            all.add(new Checkpoint(c.getTriggerTimestamp(), c.getStatus() == CheckpointStatsStatus.COMPLETED ? Outcome.COMPLETED
                    : c.getStatus() == CheckpointStatsStatus.IN_PROGRESS ? Outcome.RUNNING : Outcome.FAILED,
                    c.getEndToEndDuration(), sync, async, alignment, c.getStateSize()));
        }
        all.sort(Comparator.comparingLong(c -> c.triggeredAt));
        return all;
    }

    /** How a checkpoint ended, or that it had not when it was read. */
    enum Outcome { COMPLETED, FAILED, RUNNING }

    /** One checkpoint: when it was triggered, how long it took, its slowest subtask's phases, its size. */
    static final class Checkpoint {
        final long triggeredAt;
        final Outcome outcome;
        final long tookMillis;
        /** The longest synchronous part of any subtask (the task thread stopped for it), ms. */
        final long syncMillis;
        /** The longest asynchronous part of any subtask (state written on other threads), ms. */
        final long asyncMillis;
        /** The longest a subtask waited for barriers of all its inputs, ms. */
        final long alignmentMillis;
        final long stateBytes;

        Checkpoint(long triggeredAt, Outcome outcome, long tookMillis, long syncMillis, long asyncMillis,
                long alignmentMillis, long stateBytes) {
            this.triggeredAt = triggeredAt;
            this.outcome = outcome;
            this.tookMillis = tookMillis;
            this.syncMillis = syncMillis;
            this.asyncMillis = asyncMillis;
            this.alignmentMillis = alignmentMillis;
            this.stateBytes = stateBytes;
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
