package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job runs with object reuse ({@code pipeline.object-reuse}): an operator chained after another gets the record
 * itself, not a copy. That is only safe while no operator changes a record it was handed or one it emitted; if
 * one did, the operators after it (several per record: the sinks, the analytics, the journeys) would see the
 * change. So every output of a run with reuse must be the same as without it.
 */
class ObjectReuseTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = Pipelines.miniCluster();

    /**
     * Generated events with every kind of disorder, late ones included, at parallelism 1 with watermarks per event,
     * so that two runs give the same results (see FaultToleranceTest); 400 users, so that journeys and alerts fire.
     */
    private static AppConfig config(Path work) {
        return Pipelines.fileReplay(work.resolve("unused"), work)
                .with(Settings.SOURCE_TYPE, "generator")
                .with(Settings.GEN_EVENTS, 8_000)
                .with(Settings.GEN_START, "2024-11-25T00:00:00Z")
                .with(Settings.GEN_LATE_FRACTION, 0.03)
                .with(Settings.GEN_EVENT_TIME_RATE, 20)
                .with(Settings.GEN_USERS, 400)
                .with(Settings.WATERMARK_EMIT, "per-event")
                .with(Settings.PARALLELISM, 1);
    }

    @Test
    void objectReuseIsOnByDefaultAndCanBeTurnedOff(@TempDir Path work) {
        assertThat(FlinkSettings.forJob(config(work)).get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(FlinkSettings.forJob(config(work).with(Settings.OBJECT_REUSE, false)).get(PipelineOptions.OBJECT_REUSE))
                .isFalse();
    }

    @Test
    void everyOutputIsTheSameWithAndWithoutObjectReuse(@TempDir Path reuse, @TempDir Path copies) throws Exception {
        Path shared = Pipelines.runToEnd(config(reuse));
        Path copied = Pipelines.runToEnd(config(copies).with(Settings.OBJECT_REUSE, false));

        for (String parquet : List.of(OutputSinks.REFINED_CLICKS, OutputSinks.PAGEVIEWS, OutputSinks.SESSIONS,
                OutputSinks.ATTRIBUTION, OutputSinks.CONVERSIONS)) {
            assertThat(OutputFiles.parquetRows(shared.resolve(parquet))).as(parquet)
                    .isNotEmpty().isEqualTo(OutputFiles.parquetRows(copied.resolve(parquet)));
        }
        assertThat(OutputFiles.deadLetterPayloads(shared.resolve(OutputSinks.DLQ))).as(OutputSinks.DLQ)
                .isNotEmpty().isEqualTo(OutputFiles.deadLetterPayloads(copied.resolve(OutputSinks.DLQ)));
        for (String json : List.of(OutputSinks.ALERTS, OutputSinks.LATE, OutputSinks.USER_SPEND,
                OutputSinks.CLICK_TO_PURCHASE)) {
            assertThat(OutputFiles.jsonLines(shared.resolve(json))).as(json)
                    .isNotEmpty().isEqualTo(OutputFiles.jsonLines(copied.resolve(json)));
        }
        assertThat(OutputFiles.jsonLines(shared.resolve(OutputSinks.ALERTS)))
                .anyMatch(a -> a.contains("CART_ABANDONED")).anyMatch(a -> a.contains("inactive-5m"))
                .anyMatch(a -> a.contains("PURCHASE_MILESTONE"));
    }
}
