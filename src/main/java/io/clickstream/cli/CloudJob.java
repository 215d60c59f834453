package io.clickstream.cli;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.clickstream.config.AppConfig;
import io.clickstream.config.ConfigException;
import io.clickstream.config.Setting;
import io.clickstream.config.Settings;
import io.clickstream.pipeline.ClickstreamJob;
import io.clickstream.sql.SqlJob;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The job as Managed Service for Apache Flink (or {@code flink run}) starts it: no arguments, an
 * environment provided by the cluster, configuration from the application's runtime property groups.
 * Checkpointing, state backend and restarts are the service's settings, so none are set here.
 */
final class CloudJob {
    private CloudJob() {}

    /** True when a Flink client (MSF, {@code flink run}) provides the environment, rather than a plain {@code java -jar}. */
    static boolean runningInCluster() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }

    /**
     * The keys a cloud deployment must set: the defaults (the generator, a local ./out) make no sense there.
     * infra/clickstream.yaml sets them; InfraTemplateTest checks that it does.
     */
    static final List<Setting> REQUIRED = List.of(Settings.SOURCE_TYPE, Settings.KINESIS_STREAM,
            Settings.KINESIS_REGION, Settings.OUTPUT_PATH);

    static void run() throws Exception {
        Map<String, Properties> groups = KinesisAnalyticsRuntime.getApplicationProperties();
        AppConfig config = AppConfig.fromProperties(groups).validate();
        for (Setting s : REQUIRED) {
            if (!config.isSet(s)) {
                throw new ConfigException(s.qualifiedName() + " is not set in the application's runtime properties "
                        + "(property group '" + s.group + "', key '" + s.key + "'); a cloud deployment needs "
                        + REQUIRED.stream().map(Setting::qualifiedName).collect(Collectors.joining(", ")));
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.execute(build(env, config));
    }

    /**
     * Sets the job-level options (the service owns checkpointing, state backend and restarts) and adds the job:
     * the SQL scripts of {@code sql.scripts}, or else the DataStream job. Returns the job's name.
     */
    static String build(StreamExecutionEnvironment env, AppConfig config) {
        // Our records and state never fall back to Kryo; the Kinesis consumer's shard state is the one exception.
        if (config.string(Settings.SOURCE_TYPE).equals("kinesis")) {
            env.getConfig().enableGenericTypes();
        } else {
            env.getConfig().disableGenericTypes();
        }
        // Latency knobs and object reuse are the job's, not the service's (docs/benchmarks.md).
        env.getConfig().setAutoWatermarkInterval(config.duration(Settings.WATERMARK_INTERVAL).toMillis());
        env.setBufferTimeout(config.duration(Settings.BUFFER_TIMEOUT).toMillis());
        if (config.bool(Settings.OBJECT_REUSE)) {
            env.getConfig().enableObjectReuse();
        } else {
            env.getConfig().disableObjectReuse();
        }
        String scripts = config.string(Settings.SQL_SCRIPTS);
        if (scripts.isEmpty()) {
            ClickstreamJob.fromConfig(config).build(env);
            return "clickstream";
        }
        // sql.scripts set: the SQL scripts (shipped in the JAR under sql/) are the job.
        SqlJob.fromConfig(config, SqlJob.locations(scripts)).build(env);
        return "clickstream-sql";
    }
}
