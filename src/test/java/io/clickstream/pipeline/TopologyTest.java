package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sql.SqlJob;
import io.clickstream.testing.Pipelines;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Savepoint compatibility starts with stable uids: every operator of the job must have one. */
class TopologyTest {
    static StreamGraph graph(AppConfig config) {
        StreamExecutionEnvironment env = Pipelines.environment(config);
        ClickstreamJob.fromConfig(config).build(env);
        return env.getStreamGraph();
    }

    static List<String> uids(StreamGraph g) {
        return g.getStreamNodes().stream().map(StreamNode::getTransformationUID).sorted().collect(Collectors.toList());
    }

    @Test
    void everyOperatorHasAUid(@TempDir Path work) {
        for (String source : new String[] {"generator", "file", "dlq"}) {
            AppConfig config = Pipelines.fileReplay(work.resolve("in.jsonl"), work).with(Settings.SOURCE_TYPE, source);
            StreamGraph g = graph(config);
            List<String> missing = g.getStreamNodes().stream()
                    .filter(n -> n.getTransformationUID() == null)
                    .map(StreamNode::getOperatorName)
                    .collect(Collectors.toList());
            assertThat(missing).as("operators without a uid (source %s)", source).isEmpty();
        }
    }

    @Test
    void uidsAreTheSameOnEveryBuild(@TempDir Path work) {
        AppConfig config = Pipelines.fileReplay(work.resolve("in.jsonl"), work);
        assertThat(uids(graph(config))).isEqualTo(uids(graph(config)))
                .contains(Operators.VALIDATE_UID, Operators.WATERMARKS_UID, Operators.DEDUP_UID);
    }

    /**
     * Every keyed operator behind a shuffle of the job runs behind a kept watermark, chained: the dedup (and the
     * per-user analyses chained onto it) and the pageviews window. Without it, a restore lets a record that was too
     * late before it count again (see KeptWatermark).
     */
    @Test
    void theKeyedOperatorsBehindAShuffleRunChainedBehindAKeptWatermark(@TempDir Path work) {
        AppConfig config = Pipelines.fileReplay(work.resolve("in.jsonl"), work);
        List<String> vertices = new ArrayList<>();
        graph(config).getJobGraph().getVertices().forEach(v -> vertices.add(v.getName()));

        assertThat(vertices).anyMatch(v -> v.startsWith(
                Operators.DEDUP_WATERMARK_NAME + " -> " + Operators.DEDUP_NAME + " -> "));
        assertThat(vertices).anyMatch(v -> v.startsWith("Kept watermark (per URL) -> Pageviews per URL per minute"));
        assertThat(vertices).noneMatch(v -> v.startsWith(Operators.DEDUP_NAME) || v.startsWith("Pageviews per URL"));
    }

    static StreamGraph sqlGraph(AppConfig config) {
        StreamExecutionEnvironment env = Pipelines.environment(config);
        SqlJob.fromConfig(config, List.of("sql/pageviews_1m.sql", "sql/high_spend_5m.sql", "sql/sessions.sql")).build(env);
        return env.getStreamGraph();
    }

    @Test
    void theSqlJobsOperatorsHaveUidsThatStayTheSameForTheSameScripts(@TempDir Path work) {
        AppConfig config = Pipelines.fileReplay(work.resolve("in.jsonl"), work);
        StreamGraph g = sqlGraph(config);
        List<String> missing = g.getStreamNodes().stream()
                .filter(n -> n.getTransformationUID() == null)
                .map(StreamNode::getOperatorName)
                .collect(Collectors.toList());
        assertThat(missing).as("operators of the SQL job without a uid").isEmpty();
        // The planner numbers its operators from a counter that starts afresh in each process (each run of the
        // job), so a second plan in the same JVM has the same uids shifted by a constant: compare without it.
        assertThat(withoutPlanNumbers(uids(g))).isEqualTo(withoutPlanNumbers(uids(sqlGraph(config))))
                .contains(Operators.VALIDATE_UID, Operators.DEDUP_UID, "sql-clicks-rows", "window-aggregate",
                        "global-window-aggregate", "streaming-writer");
    }

    private static List<String> withoutPlanNumbers(List<String> uids) {
        return uids.stream().map(u -> u.replaceFirst("^\\d+_", "")).sorted().collect(Collectors.toList());
    }
}
