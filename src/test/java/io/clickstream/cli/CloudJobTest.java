package io.clickstream.cli;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.pipeline.Operators;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The job as the cloud main builds it, from the same property groups infra/clickstream.yaml sets. */
class CloudJobTest {
    private static AppConfig cloud() {
        return AppConfig.defaults()
                .with(Settings.SOURCE_TYPE, "kinesis")
                .with(Settings.KINESIS_STREAM, "clicks")
                .with(Settings.KINESIS_REGION, "eu-west-1")
                .with(Settings.OUTPUT_PATH, "s3://bucket/data");
    }

    private static List<String> uids(StreamExecutionEnvironment env) {
        return env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .collect(Collectors.toList());
    }

    @Test
    void theDataStreamJobOnKinesisAllowsOnlyTheConsumersGenericShardStateAndTakesTheLatencyAndReuseSettings() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String name = CloudJob.build(env, cloud().with(Settings.WATERMARK_INTERVAL, "50ms").with(Settings.BUFFER_TIMEOUT, "10ms"));
        assertThat(name).isEqualTo("clickstream");
        // The Kinesis consumer keeps its shard state through Kryo: with generic types off it could not start.
        assertThat(env.getConfig().hasGenericTypesDisabled()).isFalse();
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(50);
        assertThat(env.getBufferTimeout()).isEqualTo(10);
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(uids(env)).contains(Operators.VALIDATE_UID, Operators.DEDUP_UID, "alerts-sink");
    }

    @Test
    void objectReuseCanBeTurnedOff() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        CloudJob.build(env, cloud().with(Settings.OBJECT_REUSE, false));
        assertThat(env.getConfig().isObjectReuseEnabled()).isFalse();
    }

    @Test
    void withSqlScriptsSetTheScriptsAreTheJob() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String name = CloudJob.build(env, cloud().with(Settings.SQL_SCRIPTS, "sql/pageviews_1m.sql, sql/high_spend_5m.sql"));
        assertThat(name).isEqualTo("clickstream-sql");
        List<String> uids = uids(env);
        assertThat(uids).contains(Operators.VALIDATE_UID, Operators.DEDUP_UID, "sql-clicks-rows")
                .doesNotContain("alerts-sink");
        assertThat(uids.stream().filter(u -> u.endsWith("_streaming-writer"))).hasSize(2);
    }
}
