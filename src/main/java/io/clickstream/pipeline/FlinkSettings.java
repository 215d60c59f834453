package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointingMode;

import java.nio.file.Paths;

/** Turns the application's configuration into Flink's: checkpointing, state backend, restarts, parallelism. */
public final class FlinkSettings {
    private FlinkSettings() {}

    public static Configuration forJob(AppConfig c) {
        Configuration f = new Configuration();
        f.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, c.duration(Settings.CHECKPOINT_INTERVAL));
        f.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        f.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        f.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri(c.string(Settings.CHECKPOINT_DIR)));
        f.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, uri(c.string(Settings.SAVEPOINT_DIR)));
        // Output files are committed by checkpoints: a final checkpoint after the input ends commits the last ones.
        f.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, true);
        f.set(StateBackendOptions.STATE_BACKEND, c.string(Settings.STATE_BACKEND));
        f.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, c.bool(Settings.INCREMENTAL));
        // Bounded, so that a job that cannot work fails with its cause instead of restarting forever.
        f.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        f.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, c.integer(Settings.RESTART_ATTEMPTS));
        f.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, c.duration(Settings.RESTART_DELAY));
        // Our records and state are POJOs or Avro: a Kryo fallback is a bug, and fails the job graph at build time.
        // The one exception is the Kinesis consumer's own shard state, which goes through Kryo.
        f.set(PipelineOptions.GENERIC_TYPES, !c.string(Settings.SOURCE_TYPE).equals("kinesis"));
        s3(c, f);
        // The Hadoop S3 file system is cached per JVM and keeps the class loader of the first job that used it;
        // in an embedded cluster that runs several jobs (tests, or a restart) the leak check would fail the
        // second one although every class it needs comes from the application class path.
        f.setString("classloader.check-leaked-classloader", "false");
        f.set(CoreOptions.DEFAULT_PARALLELISM, parallelism(c));
        f.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, c.duration(Settings.WATERMARK_INTERVAL));
        f.set(ExecutionOptions.BUFFER_TIMEOUT, c.duration(Settings.BUFFER_TIMEOUT));
        // Object reuse: an operator chained after another gets the record's value itself, where Flink otherwise
        // makes a copy with the type's serializer (and a new StreamRecord) for each chained operator. Safe in this
        // job because none of its operators changes a value once emitted, or changes its input: events and raw
        // records are immutable, and every other output (alerts, counts, sessions) is built anew for its emission.
        // Flink still gives each branch of a fan-out a StreamRecord of its own, and in streaming mode a network
        // input always deserializes into new objects. The copies were about 2 % of a burst's samples (docs/benchmarks.md).
        f.set(PipelineOptions.OBJECT_REUSE, c.bool(Settings.OBJECT_REUSE));
        // RocksDB (the rocksdb backend) keeps its write buffers and block cache in the embedded cluster's managed
        // memory, one share per slot for every RocksDB instance in it: here about 15 keyed operators with a column
        // family per state. Each column family's write buffer takes memory in blocks of an eighth of its size
        // (64 MB by default), so with Flink's local 128m RocksDB flushed and compacted all the time; 8 MB buffers
        // and 1g leave room for all of them (3.4x faster, docs/benchmarks.md). On MSF the service sizes memory.
        f.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, c.memorySize(Settings.MANAGED_MEMORY));
        f.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.ofMebiBytes(8));
        // Timers on the heap: each user has a few (the dedup's cleanup, a session's end, the journeys' deadlines),
        // and in RocksDB every registration and every firing is a JNI call into a queue of its own; they were about
        // 15 % of the dedup's task there (docs/benchmarks.md, nineteenth round).
        f.set(RocksDBOptions.TIMER_SERVICE_FACTORY, c.string(Settings.ROCKSDB_TIMERS).equals("heap")
                ? EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP
                : EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        return f;
    }

    /** s3:// through flink-s3-fs-hadoop: an endpoint and path-style access for local stand-ins, keys if given. */
    static void s3(AppConfig c, Configuration f) {
        String endpoint = c.string(Settings.S3_ENDPOINT);
        if (!endpoint.isEmpty()) {
            f.setString("s3.endpoint", endpoint);
            f.setString("s3.path.style.access", "true");
        } else if (c.bool(Settings.S3_PATH_STYLE)) {
            f.setString("s3.path.style.access", "true");
        }
        if (!c.string(Settings.S3_ACCESS_KEY).isEmpty()) {
            f.setString("s3.access-key", c.string(Settings.S3_ACCESS_KEY));
            f.setString("s3.secret-key", c.string(Settings.S3_SECRET_KEY));
        }
    }

    /**
     * File replays (and dead-letter replays) run at parallelism 1 unless run.parallelism is set: then every operator sees the
     * input in file order, so which events are late, and every window result, is the same on each replay.
     */
    public static int parallelism(AppConfig c) {
        if (c.replaysFiles() && !c.isSet(Settings.PARALLELISM)) {
            return 1;
        }
        return c.integer(Settings.PARALLELISM);
    }

    /**
     * Flink's Prometheus reporter on {@code port}: every Flink metric and the application's own (named
     * {@code flink_taskmanager_job_task_operator_kinesisanalytics_clickstream_<name>}) at {@code /metrics}.
     * For local runs; Managed Service for Apache Flink reports to CloudWatch instead.
     */
    public static void prometheus(Configuration flink, int port) {
        flink.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", String.valueOf(port));
    }

    /** A local path becomes an absolute file: URI; anything with a scheme (s3://, file://) is kept. */
    public static String uri(String location) {
        return location.contains("://") ? location : Paths.get(location).toAbsolutePath().normalize().toUri().toString();
    }
}
