package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Stop with a savepoint in the middle, start again from it: every record is written exactly once. */
class SavepointResumeTest {
    private static final int RECORDS = 6_000;

    private static AppConfig generator(Path work) {
        return Pipelines.fileReplay(work.resolve("unused"), work)
                .with(Settings.SOURCE_TYPE, "generator")
                .with(Settings.GEN_EVENTS, RECORDS)
                .with(Settings.GEN_RATE, 2_000)
                .with(Settings.GEN_START, "2024-11-25T00:00:00Z")
                .with(Settings.PARALLELISM, 2)
                .validate();
    }

    @Test
    void stoppingWithASavepointAndResumingWritesEveryRecordExactlyOnce(@TempDir Path whole, @TempDir Path split)
            throws Exception {
        Path expected = Pipelines.runToEnd(generator(whole));

        AppConfig config = generator(split);
        LiveMetrics.reset();
        JobClient first = Pipelines.start(config, null);
        while (LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID) < RECORDS / 3) {
            Thread.sleep(50);   // polling a live counter, not waiting for a result
        }
        String savepoint = first.stopWithSavepoint(false, config.string(Settings.SAVEPOINT_DIR),
                SavepointFormatType.CANONICAL).get(1, TimeUnit.MINUTES);
        first.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        long readBeforeStop = LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID);
        assertThat(readBeforeStop).as("stopped in the middle").isBetween((long) RECORDS / 3, (long) RECORDS - 1);
        int rowsBeforeStop = OutputFiles.parquetRows(split.resolve("out").resolve(OutputSinks.REFINED_CLICKS)).size();

        JobClient second = Pipelines.start(config, savepoint);
        second.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        Path out = split.resolve("out");
        List<String> rows = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS));
        assertThat(rowsBeforeStop).as("the first run committed its files at the savepoint").isPositive();
        assertThat(rows).hasSameSizeAs(OutputFiles.parquetRows(expected.resolve(OutputSinks.REFINED_CLICKS)))
                .isEqualTo(OutputFiles.parquetRows(expected.resolve(OutputSinks.REFINED_CLICKS)));
        assertThat(OutputFiles.deadLetterPayloads(out.resolve(OutputSinks.DLQ)))
                .isEqualTo(OutputFiles.deadLetterPayloads(expected.resolve(OutputSinks.DLQ)));
        assertThat(OutputFiles.uncommitted(out)).isEmpty();
    }
}
