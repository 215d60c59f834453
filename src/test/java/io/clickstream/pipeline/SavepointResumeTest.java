package io.clickstream.pipeline;

import io.clickstream.config.AppConfig;
import io.clickstream.config.Settings;
import io.clickstream.metrics.LiveMetrics;
import io.clickstream.metrics.MetricNames;
import io.clickstream.sink.OutputSinks;
import io.clickstream.testing.OutputFiles;
import io.clickstream.testing.Pipelines;
import org.apache.flink.core.execution.JobClient;
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

        Path out = stopInTheMiddleAndResume(generator(split), generator(split));

        assertTheSameOutputs(out, expected, OutputSinks.REFINED_CLICKS);
    }

    /**
     * The timers move between RocksDB and the heap ({@code checkpoint.rocksdb-timers}) through a savepoint: the
     * sessions, the inactivity and cart alerts, which only timers emit, are those of a run without a stop.
     */
    @Test
    void onRocksDbTimersKeptInRocksDbResumeOnTheHeapFromASavepoint(@TempDir Path whole, @TempDir Path split)
            throws Exception {
        Path expected = Pipelines.runToEnd(generator(whole).with(Settings.STATE_BACKEND, "rocksdb"));

        AppConfig rocksDb = generator(split).with(Settings.STATE_BACKEND, "rocksdb");
        Path out = stopInTheMiddleAndResume(rocksDb.with(Settings.ROCKSDB_TIMERS, "rocksdb"),
                rocksDb.with(Settings.ROCKSDB_TIMERS, "heap"));

        assertTheSameOutputs(out, expected, OutputSinks.REFINED_CLICKS, OutputSinks.SESSIONS);
        assertThat(OutputFiles.alertsWithoutMilestoneTimes(OutputFiles.jsonLines(out.resolve(OutputSinks.ALERTS))))
                .anyMatch(a -> a.contains("inactive-5m")).anyMatch(a -> a.contains("CART_ABANDONED"))
                .isEqualTo(OutputFiles.alertsWithoutMilestoneTimes(OutputFiles.jsonLines(expected.resolve(OutputSinks.ALERTS))));
    }

    /** Runs {@code before} until a third of the records are read, stops it with a savepoint, resumes with {@code after}. */
    private static Path stopInTheMiddleAndResume(AppConfig before, AppConfig after) throws Exception {
        LiveMetrics.reset();
        JobClient first = Pipelines.start(before, null);
        while (LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID) < RECORDS / 3) {
            Thread.sleep(50);   // polling a live counter, not waiting for a result
        }
        String savepoint = Pipelines.stopWithSavepoint(first, before.string(Settings.SAVEPOINT_DIR));
        first.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        long readBeforeStop = LiveMetrics.sum(MetricNames.VALID) + LiveMetrics.sum(MetricNames.INVALID);
        assertThat(readBeforeStop).as("stopped in the middle").isBetween((long) RECORDS / 3, (long) RECORDS - 1);
        Path out = Path.of(before.string(Settings.OUTPUT_PATH));
        int rowsBeforeStop = OutputFiles.parquetRows(out.resolve(OutputSinks.REFINED_CLICKS)).size();
        assertThat(rowsBeforeStop).as("the first run committed its files at the savepoint").isPositive();

        JobClient second = Pipelines.start(after, savepoint);
        second.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        assertThat(OutputFiles.uncommitted(out)).isEmpty();
        return out;
    }

    private static void assertTheSameOutputs(Path out, Path expected, String... parquet) throws Exception {
        for (String dir : parquet) {
            List<String> want = OutputFiles.parquetRows(expected.resolve(dir));
            assertThat(OutputFiles.parquetRows(out.resolve(dir))).as(dir).isNotEmpty().hasSameSizeAs(want).isEqualTo(want);
        }
        assertThat(OutputFiles.deadLetterPayloads(out.resolve(OutputSinks.DLQ)))
                .isEqualTo(OutputFiles.deadLetterPayloads(expected.resolve(OutputSinks.DLQ)));
    }
}
